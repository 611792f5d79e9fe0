using SparsityBounds.Numerics;
using SparsityBounds.Operators;

namespace SparsityBounds.Models;

/// <summary>
/// The training objective of an <see cref="Mlp"/> on a <see cref="Dataset"/>:
/// F(θ) = (1/N) Σᵢ ℓ(f(xᵢ; θ), yᵢ) + λ‖θ‖₁, with its gradient, exact Hessian-vector products and
/// generalised Gauss–Newton products.
/// </summary>
/// <remarks>
/// <para>Parameters use the layout of <see cref="Mlp"/> (PyTorch <c>nn.Linear</c> order). The L1 penalty λ‖θ‖₁ covers
/// every parameter (weights and biases); its gradient is λ·sign(θ) with sign(0) = 0 (a subgradient), and it
/// contributes nothing to <see cref="Hessian"/> or <see cref="GaussNewton"/>.</para>
/// <para>All passes are batched (blocks of 64 samples, register-tiled SIMD GEMMs) and run in parallel over a fixed
/// partition of the samples whose partial sums are added in a fixed order: results are bitwise identical for any
/// <see cref="MaxDegreeOfParallelism"/> on a given machine.</para>
/// <para>Thread safety: <see cref="Value"/>, <see cref="Gradient"/> and the other evaluations may be called
/// concurrently. Each operator returned by <see cref="Hessian"/> or <see cref="GaussNewton"/> may be applied from
/// one thread at a time; its concurrent views (<see cref="IConcurrentSymmetricOperator"/>) share its cache and may be
/// applied at the same time from other threads.</para>
/// </remarks>
public sealed class MlpObjective
{
    private readonly SampleSet _samples;
    private MlpEvaluator? _pooledEvaluator;

    /// <summary>Creates the objective.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="data">The samples; its feature count must equal the model's input width. Cross-entropy needs a
    /// classification dataset with labels &lt; the output width; squared error takes regression targets of the output
    /// width, or labels (compared with one-hot targets).</param>
    /// <param name="loss">The per-sample loss, averaged over the samples.</param>
    /// <param name="l1Penalty">λ ≥ 0 of the penalty λ‖θ‖₁ (LOMP training, THEORY.md §7).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">A width mismatch, a label out of range, cross-entropy on regression data, an
    /// undefined loss, or λ negative, NaN or infinite.</exception>
    public MlpObjective(Mlp model, Dataset data, Loss loss, double l1Penalty = 0.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(loss))
            throw new ArgumentOutOfRangeException(nameof(loss), loss, $"loss {(int)loss} is not a defined Loss.");
        Preconditions.CheckFiniteNonNegative(l1Penalty);
        model.CheckInputWidth(data, nameof(data));
        if (data.IsClassification)
        {
            if (data.ClassCount > model.OutputSize)
            {
                int[] labels = data.GetLabels();
                int bad = Array.FindIndex(labels, y => y >= model.OutputSize);
                throw new ArgumentException(
                    $"data label {labels[bad]} (sample {bad}) is out of range: the model has {model.OutputSize} outputs, so labels must lie in [0, {model.OutputSize}).",
                    nameof(data));
            }
        }
        else
        {
            if (loss == Loss.SoftmaxCrossEntropy)
                throw new ArgumentException("data has regression targets; softmax cross-entropy needs class labels.", nameof(data));
            if (data.TargetCount != model.OutputSize)
                throw new ArgumentException($"data has {data.TargetCount} targets per sample; the model has {model.OutputSize} outputs.", nameof(data));
        }
        Model = model;
        Data = data;
        Loss = loss;
        L1Penalty = l1Penalty;
        _samples = data.ToSampleSet(model.OutputSize);
    }

    /// <summary>The architecture.</summary>
    public Mlp Model { get; }

    /// <summary>The samples.</summary>
    public Dataset Data { get; }

    /// <summary>The per-sample loss.</summary>
    public Loss Loss { get; }

    /// <summary>λ of the L1 penalty λ‖θ‖₁.</summary>
    public double L1Penalty { get; }

    /// <summary>The number of parameters D (= <see cref="Mlp.ParameterCount"/>).</summary>
    public int Dimension => Model.ParameterCount;

    /// <summary>Maximum number of threads per evaluation and per operator application; ≤ 0 (the default) uses every
    /// processor. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// The arithmetic of the products of <see cref="Hessian"/> and <see cref="GaussNewton"/>: <see cref="ProductPrecision.Double"/>
    /// (the default) or <see cref="ProductPrecision.Single"/>, float32 GEMMs with double accumulation across 64-sample blocks.
    /// </summary>
    /// <remarks>
    /// <para>Single: the primal pass runs in double and its cache (activations, φ', back-propagated gradients, curvature
    /// terms, probabilities) is rounded once to float32 (half the cached bytes); θ and each direction are rounded to float32
    /// once per product; the R-forward and R-backward GEMMs run in float32 fused multiply-adds (twice the SIMD lanes of
    /// double); float32 sums run over at most one 64-sample block (inner products of length ≤ max(64, n_l)), and each
    /// block's weight-gradient contribution is added into a double accumulator, so the rounding error grows like n·u₃₂ with
    /// n the block or layer width instead of the sample count (Higham, "Accuracy and Stability of Numerical Algorithms",
    /// 2nd ed. 2002, §3.1: |fl(xᵀy) − xᵀy| ≤ γ_n |x|ᵀ|y|, γ_n = n·u/(1 − n·u); blocked summation in higher precision:
    /// Blanchard, Higham, Lopez, Mary and Pranesh, SIAM J. Sci. Comput. 42(3), 2020). Output is double.</para>
    /// <para>Measured (docs/models.md): relative error ‖Hv₃₂ − Hv₆₄‖ / ‖Hv₆₄‖ of 4.5e-8 – 7.4e-8 on trained and
    /// He-initialised [64, 32, 10] digits nets (ReLU and tanh, Hessian and Gauss–Newton) and 6.9e-8 on a [64, 256, 256, 10]
    /// net, about one float32 unit roundoff; the kept fraction of <c>PhaseTransition.Estimate</c> moved by 4e-8. On a Zen 5
    /// core a product took 0.49 of the double one, and eight directions through <c>ApplyMany</c> 3.8–3.9 double products. Use it where products feed stochastic estimates (SLQ spectral
    /// densities, Hutchinson traces, the phase-transition estimate) whose own statistical error is far larger; keep
    /// Double for eigenvalues near zero resolved to many digits or for finite-difference checks.</para>
    /// <para>Results stay bitwise identical for any <see cref="MaxDegreeOfParallelism"/>, and <c>ApplyMany</c> stays
    /// bitwise equal to <c>Apply</c>; they differ from the Double results at the level above.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An undefined value.</exception>
    public ProductPrecision ProductPrecision
    {
        get => _productPrecision;
        init => _productPrecision = Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(ProductPrecision), value, $"ProductPrecision {(int)value} is not a defined ProductPrecision.");
    }

    private readonly ProductPrecision _productPrecision;

    /// <summary>F(θ) = mean loss + λ‖θ‖₁.</summary>
    /// <param name="parameters">θ, length <see cref="Dimension"/>, finite.</param>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    public double Value(ReadOnlySpan<double> parameters)
    {
        Model.CheckParameters(parameters, nameof(parameters));
        return Evaluate(parameters, Span<double>.Empty) + Penalty(parameters);
    }

    /// <summary>The mean loss (1/N) Σᵢ ℓ(f(xᵢ; θ), yᵢ) without the penalty: the "training loss" of the pruning experiments.</summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    public double DataLoss(ReadOnlySpan<double> parameters)
    {
        Model.CheckParameters(parameters, nameof(parameters));
        return Evaluate(parameters, Span<double>.Empty);
    }

    /// <summary>Writes ∇F(θ) = ∇(mean loss) + λ·sign(θ) (sign(0) = 0) and returns F(θ).</summary>
    /// <param name="parameters">θ, length <see cref="Dimension"/>, finite.</param>
    /// <param name="gradient">Destination, length <see cref="Dimension"/>; must not overlap <paramref name="parameters"/>.</param>
    /// <exception cref="ArgumentException">Wrong length, a non-finite parameter, or overlapping spans.</exception>
    public double Gradient(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        Model.CheckParameters(parameters, nameof(parameters));
        Preconditions.CheckLength(gradient.Length, Dimension, nameof(gradient), "the parameter count");
        if (parameters.Overlaps(gradient)) throw new ArgumentException("gradient must not overlap parameters.", nameof(gradient));
        double value = Evaluate(parameters, gradient);
        if (L1Penalty > 0)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                double w = parameters[i];
                if (w > 0) gradient[i] += L1Penalty;
                else if (w < 0) gradient[i] -= L1Penalty;
            }
        }
        return value + Penalty(parameters);
    }

    /// <summary>
    /// The exact Hessian ∇²F(θ) as an operator: Hessian-vector products by Pearlmutter's R-operator
    /// (Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 1994; THEORY.md §5).
    /// The L1 term adds nothing. For ReLU the kink gets second derivative 0 (the Hessian of the piecewise-smooth loss
    /// away from kinks).
    /// </summary>
    /// <remarks>Products run in <see cref="ProductPrecision"/>. The primal pass (activations, derivatives, back-propagated loss gradients) is computed once here and
    /// cached, so each application costs an R-forward and an R-backward pass and allocates nothing. Memory: about
    /// N · Σ_l n_l · 4 doubles plus D doubles per chunk (at most 8 chunks) and two more D-vectors (transposed weights).
    /// The operator also implements <see cref="IBlockSymmetricOperator"/>: <c>ApplyMany</c> runs several directions per
    /// pass, each product bitwise equal to <see cref="ISymmetricOperator.Apply"/>, and <see cref="IConcurrentSymmetricOperator"/>:
    /// views sharing the cached primal pass (each with its own D doubles per chunk), so SLQ runs its probes on all
    /// cores at once.</remarks>
    /// <param name="parameters">θ, length <see cref="Dimension"/>, finite (copied).</param>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    public ISymmetricOperator Hessian(ReadOnlySpan<double> parameters)
    {
        Model.CheckParameters(parameters, nameof(parameters));
        return CurvatureOperator(parameters, gaussNewton: false);
    }

    /// <summary>
    /// The generalised Gauss–Newton matrix G = (1/N) Σᵢ Jᵢᵀ H_z,ᵢ Jᵢ (Jᵢ the Jacobian of the logits, H_z the loss
    /// Hessian in the logits; Schraudolph, Neural Computation 2002): positive semi-definite. The L1 term adds nothing.
    /// </summary>
    /// <remarks>Like <see cref="Hessian"/>, the operator caches the primal pass and implements <see cref="IBlockSymmetricOperator"/>
    /// and <see cref="IConcurrentSymmetricOperator"/>.</remarks>
    /// <param name="parameters">θ, length <see cref="Dimension"/>, finite (copied).</param>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    public ISymmetricOperator GaussNewton(ReadOnlySpan<double> parameters)
    {
        Model.CheckParameters(parameters, nameof(parameters));
        return CurvatureOperator(parameters, gaussNewton: true);
    }

    private ISymmetricOperator CurvatureOperator(ReadOnlySpan<double> parameters, bool gaussNewton) =>
        ProductPrecision == ProductPrecision.Single
            ? new MlpSingleCurvatureOperator(Model, Loss, _samples, parameters, gaussNewton, MaxDegreeOfParallelism)
            : new MlpCurvatureOperator(Model, Loss, _samples, parameters, gaussNewton, MaxDegreeOfParallelism);

    /// <summary>The per-sample losses ℓ(f(xᵢ; θ), yᵢ) (no penalty), one per sample in dataset order.</summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    public double[] SampleLosses(ReadOnlySpan<double> parameters)
    {
        Model.CheckParameters(parameters, nameof(parameters));
        var losses = new double[Data.Count];
        MlpEvaluator evaluator = RentEvaluator();
        try { evaluator.SampleLosses(parameters, losses); }
        finally { ReturnEvaluator(evaluator); }
        return losses;
    }

    /// <summary>Fraction of samples whose arg-max logit equals the label (classification data only).</summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    /// <exception cref="InvalidOperationException">The dataset is a regression dataset.</exception>
    public double Accuracy(ReadOnlySpan<double> parameters)
    {
        if (!Data.IsClassification) throw new InvalidOperationException("Accuracy needs a classification dataset.");
        int[] predicted = Model.Classify(parameters, Data);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == Data.GetLabel(i)) correct++;
        return (double)correct / predicted.Length;
    }

    /// <summary>
    /// The standard deviation of the mean loss over minibatches at θ: the tolerance ε of the paper's reference code
    /// (batch 128; THEORY.md §3). The samples are shuffled by a seeded permutation and cut into consecutive batches
    /// of <paramref name="batchSize"/>; a last, smaller batch is dropped when there is at least one full batch. Returns
    /// the sample standard deviation (divisor B − 1) of the B batch losses (no penalty).
    /// </summary>
    /// <param name="parameters">θ, length <see cref="Dimension"/>, finite.</param>
    /// <param name="batchSize">Samples per batch, &gt; 0; the default 128 is the reference code's.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentException">Bad parameters, or fewer than two batches.</exception>
    public double MinibatchLossStandardDeviation(ReadOnlySpan<double> parameters, int batchSize = 128, int seed = 0)
    {
        Preconditions.CheckPositive(batchSize);
        int batches = Data.Count / batchSize;
        if (batches < 2)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"batchSize {batchSize} gives {batches} full batches of {Data.Count} samples; a standard deviation needs at least 2.");
        double[] losses = SampleLosses(parameters);
        int[] order = SamplePermutation(Data.Count, seed, 0);
        Span<double> batchLosses = batches <= 1024 ? stackalloc double[batches] : new double[batches];
        for (int b = 0; b < batches; b++)
        {
            double sum = 0.0;
            for (int i = b * batchSize; i < (b + 1) * batchSize; i++) sum += losses[order[i]];
            batchLosses[b] = sum / batchSize;
        }
        double mean = 0.0;
        foreach (double v in batchLosses) mean += v;
        mean /= batches;
        double ss = 0.0;
        foreach (double v in batchLosses) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (batches - 1));
    }

    /// <summary>A seeded uniform permutation of 0..count−1 (Fisher–Yates on counter-based uniforms; <paramref name="stream"/> separates epochs).</summary>
    internal static int[] SamplePermutation(int count, int seed, long stream)
    {
        var order = new int[count];
        FillPermutation(order, seed, stream);
        return order;
    }

    internal static void FillPermutation(Span<int> order, int seed, long stream)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(CounterRandom.Uniform(seed, stream, i) * (i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private double Penalty(ReadOnlySpan<double> parameters)
    {
        if (L1Penalty == 0) return 0.0;
        double sum = 0.0;
        for (int i = 0; i < parameters.Length; i++) sum += Math.Abs(parameters[i]);
        return L1Penalty * sum;
    }

    private double Evaluate(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        MlpEvaluator evaluator = RentEvaluator();
        try { return evaluator.Evaluate(parameters, gradient); }
        finally { ReturnEvaluator(evaluator); }
    }

    // One pooled evaluator keeps repeated calls allocation-free; concurrent callers get their own.
    private MlpEvaluator RentEvaluator() =>
        Interlocked.Exchange(ref _pooledEvaluator, null) ?? new MlpEvaluator(Model, Loss, _samples) { MaxDegreeOfParallelism = MaxDegreeOfParallelism };

    private void ReturnEvaluator(MlpEvaluator evaluator) => Volatile.Write(ref _pooledEvaluator, evaluator);
}
