using System.Collections.ObjectModel;
using SparsityBounds.Numerics;

namespace SparsityBounds.Models;

/// <summary>
/// A multilayer perceptron's architecture: layer widths n₀ (inputs), n₁, …, n_L (outputs) and the hidden
/// activation. Parameters live outside, as one flat vector (see <see cref="ParameterCount"/> for the layout).
/// </summary>
/// <remarks>
/// <para>Layer l computes z_l = W_l a_{l−1} + b_l with W_l of shape [n_l, n_{l−1}], then a_l = φ(z_l) for l &lt; L;
/// the last layer has no activation (its outputs are the logits).</para>
/// <para>Parameter layout (PyTorch <c>nn.Linear</c> order): for each layer l = 1..L in turn, W_l row-major
/// (index <c>WeightOffset + i·n_{l−1} + j</c> holds W_l[i, j]), then b_l. <see cref="Layers"/> gives the offsets.</para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class Mlp
{
    private readonly int[] _sizes;

    /// <summary>Creates the architecture.</summary>
    /// <param name="layerSizes">Widths n₀..n_L, at least two entries, each &gt; 0, e.g. [64, 32, 10].</param>
    /// <param name="activation">Hidden-layer activation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layerSizes"/> is null.</exception>
    /// <exception cref="ArgumentException">Fewer than two sizes, a size ≤ 0, an undefined activation, or more than
    /// <see cref="int.MaxValue"/> parameters.</exception>
    public Mlp(IReadOnlyList<int> layerSizes, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2)
            throw new ArgumentException($"layerSizes needs at least two entries (inputs and outputs); got {layerSizes.Count}.", nameof(layerSizes));
        for (int i = 0; i < layerSizes.Count; i++)
            if (layerSizes[i] <= 0)
                throw new ArgumentException($"layerSizes[{i}] is {layerSizes[i]}; every layer width must be > 0.", nameof(layerSizes));
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"activation {(int)activation} is not a defined Activation.");

        _sizes = layerSizes.ToArray();
        Activation = activation;
        int layers = _sizes.Length - 1;
        WeightOffsets = new int[layers + 1];
        BiasOffsets = new int[layers + 1];
        var layerInfo = new MlpLayer[layers];
        long offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            long weights = (long)_sizes[l] * _sizes[l - 1];
            if (offset + weights + _sizes[l] > int.MaxValue)
                throw new ArgumentException($"layerSizes describe more than {int.MaxValue} parameters.", nameof(layerSizes));
            WeightOffsets[l] = (int)offset;
            BiasOffsets[l] = (int)(offset + weights);
            layerInfo[l - 1] = new MlpLayer(l, _sizes[l - 1], _sizes[l], (int)offset, (int)(offset + weights));
            offset += weights + _sizes[l];
        }
        ParameterCount = (int)offset;
        MaxWidth = _sizes.Max();
        LayerSizes = new ReadOnlyCollection<int>((int[])_sizes.Clone());
        Layers = new ReadOnlyCollection<MlpLayer>(layerInfo);
    }

    /// <summary>Layer widths n₀..n_L.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>The hidden-layer activation.</summary>
    public Activation Activation { get; }

    /// <summary>Input width n₀.</summary>
    public int InputSize => _sizes[0];

    /// <summary>Output width n_L (number of classes for cross-entropy).</summary>
    public int OutputSize => _sizes[^1];

    /// <summary>Number of linear layers L (= hidden layers + 1).</summary>
    public int LayerCount => _sizes.Length - 1;

    /// <summary>D = Σ_l n_l (n_{l−1} + 1): the length of every parameter vector.</summary>
    public int ParameterCount { get; }

    /// <summary>The linear layers in order, with the offsets of their weights and biases in the parameter vector.</summary>
    public IReadOnlyList<MlpLayer> Layers { get; }

    internal int[] Sizes => _sizes;
    internal int[] WeightOffsets { get; }
    internal int[] BiasOffsets { get; }
    internal int MaxWidth { get; }

    /// <summary>
    /// He (Kaiming) initialisation: weights of layer l drawn N(0, 2 / n_{l−1}), biases 0
    /// (He, Zhang, Ren, Sun, "Delving deep into rectifiers", ICCV 2015).
    /// </summary>
    /// <param name="seed">Seed of the counter-based generator: the same seed gives the same vector on every machine and thread count.</param>
    /// <returns>A new vector of length <see cref="ParameterCount"/>.</returns>
    public double[] InitializeParameters(int seed)
    {
        var theta = new double[ParameterCount];
        for (int l = 1; l <= LayerCount; l++)
        {
            double std = Math.Sqrt(2.0 / _sizes[l - 1]);
            int count = _sizes[l] * _sizes[l - 1];
            for (int i = 0; i < count; i++)
                theta[WeightOffsets[l] + i] = std * CounterRandom.Gaussian(seed, l, i);
        }
        return theta;
    }

    /// <summary>
    /// True at weight entries, false at biases: the default prunable set (pruning usually keeps biases).
    /// Pass it as the prunable mask of the pruning API.
    /// </summary>
    public bool[] WeightMask()
    {
        var mask = new bool[ParameterCount];
        foreach (MlpLayer layer in Layers) mask.AsSpan(layer.WeightOffset, layer.WeightCount).Fill(true);
        return mask;
    }

    /// <summary>The outputs (logits) for one input vector.</summary>
    /// <param name="parameters">Parameter vector of length <see cref="ParameterCount"/>.</param>
    /// <param name="input">One sample, length <see cref="InputSize"/>.</param>
    /// <param name="logits">Destination, length <see cref="OutputSize"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong or an entry is not finite.</exception>
    public void Predict(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> logits)
    {
        CheckParameters(parameters, nameof(parameters));
        Preconditions.CheckLength(input.Length, InputSize, nameof(input), "the model's input width");
        Preconditions.CheckAllFinite(input, nameof(input));
        Preconditions.CheckLength(logits.Length, OutputSize, nameof(logits), "the model's output width");
        PredictRows(parameters, input, 1, logits);
    }

    /// <summary>The logits of every sample of <paramref name="data"/>, as a [Count × OutputSize] matrix.</summary>
    /// <exception cref="ArgumentException">Wrong parameter length, a non-finite parameter, or a feature count other than <see cref="InputSize"/>.</exception>
    public double[,] Predict(ReadOnlySpan<double> parameters, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckParameters(parameters, nameof(parameters));
        CheckInputWidth(data, nameof(data));
        var logits = new double[data.Count, OutputSize];
        PredictRows(parameters, data.FeatureSpan, data.Count, System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref logits[0, 0], logits.Length));
        return logits;
    }

    /// <summary>The predicted class (arg max of the logits, lowest index on ties) of every sample.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Predict(ReadOnlySpan{double}, Dataset)"/>.</exception>
    public int[] Classify(ReadOnlySpan<double> parameters, Dataset data)
    {
        double[,] logits = Predict(parameters, data);
        var classes = new int[data.Count];
        for (int i = 0; i < classes.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < OutputSize; c++) if (logits[i, c] > logits[i, best]) best = c;
            classes[i] = best;
        }
        return classes;
    }

    // Forward pass of `rows` samples in blocks, on the calling thread.
    internal void PredictRows(ReadOnlySpan<double> parameters, ReadOnlySpan<double> features, int rows, Span<double> logits)
    {
        int block = Math.Min(rows, SamplePartition.BlockSize);
        var a = new double[block * MaxWidth];
        var b = new double[block * MaxWidth];
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int n = Math.Min(block, rows - r0);
            ReadOnlySpan<double> input = features.Slice(r0 * InputSize, n * InputSize);
            for (int l = 1; l <= LayerCount; l++)
            {
                Span<double> z = l == LayerCount ? logits.Slice(r0 * OutputSize, n * OutputSize) : (l % 2 == 1 ? a : b).AsSpan(0, n * _sizes[l]);
                MlpPasses.Linear(this, parameters, l, input, n, z);
                if (l < LayerCount) MlpPasses.Activate(Activation, z, Span<double>.Empty, Span<double>.Empty);
                input = z;
            }
        }
    }

    internal void CheckParameters(ReadOnlySpan<double> parameters, string name)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"{name} has length {parameters.Length}; the model has {ParameterCount} parameters.", name);
        Preconditions.CheckAllFinite(parameters, name);
    }

    internal void CheckInputWidth(Dataset data, string name)
    {
        if (data.FeatureCount != InputSize)
            throw new ArgumentException($"{name} has {data.FeatureCount} features per sample; the model's input width is {InputSize}.", name);
    }
}

/// <summary>One linear layer of an <see cref="Mlp"/> and where its parameters sit in the flat vector.</summary>
/// <param name="Index">Layer number l, 1-based.</param>
/// <param name="InputSize">n_{l−1}.</param>
/// <param name="OutputSize">n_l.</param>
/// <param name="WeightOffset">Index of W_l[0, 0]; W_l[i, j] is at WeightOffset + i·InputSize + j.</param>
/// <param name="BiasOffset">Index of b_l[0] (= WeightOffset + WeightCount).</param>
public readonly record struct MlpLayer(int Index, int InputSize, int OutputSize, int WeightOffset, int BiasOffset)
{
    /// <summary>Number of weights n_l · n_{l−1}.</summary>
    public int WeightCount => InputSize * OutputSize;

    /// <summary>Index range of the weights.</summary>
    public Range Weights => new(WeightOffset, WeightOffset + WeightCount);

    /// <summary>Index range of the biases.</summary>
    public Range Biases => new(BiasOffset, BiasOffset + OutputSize);
}
