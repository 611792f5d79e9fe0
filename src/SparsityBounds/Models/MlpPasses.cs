using System.Numerics.Tensors;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Models;

/// <summary>Samples in the flat layout the passes read: features [Count × FeatureCount] row-major, and either
/// labels or targets [Count × TargetWidth]. The trainer refills one instance per minibatch.</summary>
internal sealed class SampleSet
{
    internal SampleSet(double[] features, int featureCount, int[]? labels, double[]? targets, int targetWidth, int count)
    {
        Features = features;
        FeatureCount = featureCount;
        Labels = labels;
        Targets = targets;
        TargetWidth = targetWidth;
        Count = count;
    }

    internal double[] Features { get; }
    internal int FeatureCount { get; }
    internal int[]? Labels { get; }
    internal double[]? Targets { get; }
    internal int TargetWidth { get; }
    internal int Count { get; set; }
}

/// <summary>
/// The fixed partition of samples behind every parallel pass: blocks of <see cref="BlockSize"/> consecutive
/// samples (the GEMM height), grouped into chunks that depend only on the sample count and parameter count.
/// Per-chunk partial sums are combined in chunk order, so results are bitwise identical for any thread count.
/// </summary>
internal readonly struct SamplePartition
{
    /// <summary>Samples per block: the row count of each batched GEMM.</summary>
    internal const int BlockSize = 64;

    /// <summary>At most this many chunks (bounds the per-chunk partial-gradient memory and the reduction).</summary>
    internal const int MaxChunks = 32;

    internal SamplePartition(int sampleCount, int parameterCount, int maxChunks = MaxChunks)
    {
        SampleCount = sampleCount;
        BlockCount = (sampleCount + BlockSize - 1) / BlockSize;
        // Keep chunks × parameters ≤ 2^24 doubles (128 MiB) of partial sums.
        int memoryCap = (int)Math.Clamp((1L << 24) / Math.Max(1, parameterCount), 1, maxChunks);
        ChunkCount = Math.Min(BlockCount, memoryCap);
    }

    internal int SampleCount { get; }
    internal int BlockCount { get; }
    internal int ChunkCount { get; }

    /// <summary>Sample range [start, end) of chunk <paramref name="chunk"/>: whole blocks, evenly spread.</summary>
    internal (int Start, int End) Chunk(int chunk)
    {
        int firstBlock = (int)((long)BlockCount * chunk / ChunkCount);
        int endBlock = (int)((long)BlockCount * (chunk + 1) / ChunkCount);
        return (firstBlock * BlockSize, Math.Min(SampleCount, endBlock * BlockSize));
    }
}

/// <summary>Per-layer building blocks of the batched passes (THEORY.md §5). Row-major [rows × width] matrices.</summary>
internal static class MlpPasses
{
    /// <summary>z = input · W_lᵀ + 1 b_lᵀ for layer l (1-based) with parameters <paramref name="theta"/>.</summary>
    internal static void Linear(Mlp net, ReadOnlySpan<double> theta, int l, ReadOnlySpan<double> input, int rows, Span<double> z)
    {
        int nIn = net.Sizes[l - 1], nOut = net.Sizes[l];
        ActivationKernels.BroadcastRows(theta.Slice(net.BiasOffsets[l], nOut), rows, z);
        MatrixKernels.MultiplyAddTransposedB(rows, nOut, nIn, input, nIn, theta.Slice(net.WeightOffsets[l], nOut * nIn), nIn, z, nOut);
    }

    /// <summary>
    /// The parameter vector with every weight block transposed (W_l stored [n_{l−1} × n_l]) and biases copied: the B operand
    /// of <see cref="LinearTransposed"/>, made once per θ or direction instead of once per 64-sample block.
    /// </summary>
    internal static void TransposeWeights(Mlp net, ReadOnlySpan<double> theta, Span<double> transposed)
    {
        for (int l = 1; l <= net.LayerCount; l++)
        {
            int nIn = net.Sizes[l - 1], nOut = net.Sizes[l];
            MatrixKernels.Transpose(nOut, nIn, theta.Slice(net.WeightOffsets[l], nOut * nIn), transposed.Slice(net.WeightOffsets[l], nOut * nIn));
            theta.Slice(net.BiasOffsets[l], nOut).CopyTo(transposed.Slice(net.BiasOffsets[l], nOut));
        }
    }

    /// <summary>z = input · W_lᵀ + 1 b_lᵀ from transposed weights (<see cref="TransposeWeights"/>); bitwise equal to <see cref="Linear"/>.</summary>
    internal static void LinearTransposed(Mlp net, ReadOnlySpan<double> transposed, int l, ReadOnlySpan<double> input, int rows, Span<double> z)
    {
        int nIn = net.Sizes[l - 1], nOut = net.Sizes[l];
        ActivationKernels.BroadcastRows(transposed.Slice(net.BiasOffsets[l], nOut), rows, z);
        MatrixKernels.MultiplyAdd(rows, nOut, nIn, input, nIn, transposed.Slice(net.WeightOffsets[l], nOut * nIn), nOut, z, nOut);
    }

    /// <summary>In place z → φ(z), with φ' and (when not empty) φ'' written alongside.</summary>
    internal static void Activate(Activation activation, Span<double> values, Span<double> firstDerivative, Span<double> secondDerivative)
    {
        switch (activation)
        {
            case Activation.Relu:
                if (firstDerivative.IsEmpty) ActivationKernels.Relu(values);
                else ActivationKernels.Relu(values, firstDerivative);
                if (!secondDerivative.IsEmpty) secondDerivative.Clear();
                break;
            case Activation.Tanh:
                ActivationKernels.Tanh(values, firstDerivative, secondDerivative);
                break;
            default:
                ActivationKernels.Sigmoid(values, firstDerivative, secondDerivative);
                break;
        }
    }

    /// <summary>G_{W_l} (+)= Δᵀ · input and g_{b_l} (+)= Δᵀ 1 into the full-length <paramref name="gradient"/>.</summary>
    internal static void WeightGradient(Mlp net, int l, ReadOnlySpan<double> delta, ReadOnlySpan<double> input, int rows,
        Span<double> gradient, bool accumulate)
    {
        int nIn = net.Sizes[l - 1], nOut = net.Sizes[l];
        MatrixKernels.MultiplyAddTransposedA(nOut, nIn, rows, delta, nOut, input, nIn,
            gradient.Slice(net.WeightOffsets[l], nOut * nIn), nIn, accumulate);
        ActivationKernels.AddColumnSums(delta, rows, gradient.Slice(net.BiasOffsets[l], nOut), accumulate);
    }

    /// <summary>output[rows × n_{l−1}] (+)= Δ · M_l, where M_l is the layer-l weight block of <paramref name="theta"/>.</summary>
    internal static void BackLinear(Mlp net, ReadOnlySpan<double> theta, int l, ReadOnlySpan<double> delta, int rows,
        Span<double> output, bool accumulate)
    {
        int nIn = net.Sizes[l - 1], nOut = net.Sizes[l];
        MatrixKernels.MultiplyAdd(rows, nIn, nOut, delta, nOut, theta.Slice(net.WeightOffsets[l], nOut * nIn), nIn, output, nIn, accumulate);
    }

    /// <summary>
    /// Per-sample losses of <paramref name="rows"/> logit rows against samples firstSample.. of <paramref name="data"/>;
    /// returns their sum (added in row order). Optionally writes Δ_L = scale · ∂ℓ/∂z (<paramref name="delta"/>),
    /// the softmax probabilities (<paramref name="probabilities"/>, cross-entropy only) and the per-sample losses.
    /// </summary>
    internal static double LossRows(Loss loss, ReadOnlySpan<double> logits, int rows, int width, SampleSet data, int firstSample,
        double scale, Span<double> delta, Span<double> probabilities, Span<double> perSampleLoss)
    {
        double sum = 0.0;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> z = logits.Slice(i * width, width);
            double value;
            if (loss == Loss.SoftmaxCrossEntropy)
            {
                int label = data.Labels![firstSample + i];
                double max = TensorPrimitives.Max(z);
                // log Σ e^{z_c} = max + log Σ e^{z_c − max}: no overflow.
                Span<double> p = !probabilities.IsEmpty ? probabilities.Slice(i * width, width)
                               : !delta.IsEmpty ? delta.Slice(i * width, width) : Span<double>.Empty;
                double total;
                if (p.IsEmpty)
                {
                    total = 0.0;
                    for (int c = 0; c < width; c++) total += Math.Exp(z[c] - max);
                }
                else
                {
                    TensorPrimitives.Subtract(z, max, p);
                    TensorPrimitives.Exp(p, p);
                    total = TensorPrimitives.Sum<double>(p);
                    TensorPrimitives.Multiply(p, 1.0 / total, p);
                }
                value = Math.Log(total) + max - z[label];
                if (!delta.IsEmpty)
                {
                    Span<double> d = delta.Slice(i * width, width);
                    if (!probabilities.IsEmpty) p.CopyTo(d);
                    d[label] -= 1.0;
                    TensorPrimitives.Multiply(d, scale, d);
                }
            }
            else
            {
                Span<double> d = delta.IsEmpty ? Span<double>.Empty : delta.Slice(i * width, width);
                value = 0.0;
                if (data.Targets is { } targets)
                {
                    ReadOnlySpan<double> y = targets.AsSpan((firstSample + i) * width, width);
                    for (int c = 0; c < width; c++)
                    {
                        double r = z[c] - y[c];
                        value += r * r;
                        if (!d.IsEmpty) d[c] = scale * r;
                    }
                }
                else
                {
                    // Classification data under squared error: one-hot targets.
                    int label = data.Labels![firstSample + i];
                    for (int c = 0; c < width; c++)
                    {
                        double r = c == label ? z[c] - 1.0 : z[c];
                        value += r * r;
                        if (!d.IsEmpty) d[c] = scale * r;
                    }
                }
                value *= 0.5;
            }
            if (!perSampleLoss.IsEmpty) perSampleLoss[i] = value;
            sum += value;
        }
        return sum;
    }

    /// <summary>Δ̇ = scale · H_z[ż] row by row: cross-entropy p ⊙ (ż − pᵀż); squared error ż.</summary>
    internal static void LossHessianRows(Loss loss, ReadOnlySpan<double> zDot, int rows, int width,
        ReadOnlySpan<double> probabilities, double scale, Span<double> output)
    {
        int n = rows * width;
        if (loss == Loss.MeanSquaredError)
        {
            TensorPrimitives.Multiply(zDot.Slice(0, n), scale, output.Slice(0, n));
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> p = probabilities.Slice(i * width, width);
            ReadOnlySpan<double> zd = zDot.Slice(i * width, width);
            Span<double> o = output.Slice(i * width, width);
            double s = TensorPrimitives.Dot(p, zd);
            for (int c = 0; c < width; c++) o[c] = scale * (p[c] * (zd[c] - s));
        }
    }
}
