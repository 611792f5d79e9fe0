using System.Collections.ObjectModel;
using SparsityBounds.Numerics;

namespace SparsityBounds.Spectral;

/// <summary>
/// The cached outcome of stochastic Lanczos quadrature: for each probe l, Gauss nodes θ_j^{(l)} and weights
/// τ_j^{(l)} (Σ_j τ_j^{(l)} = 1) of the spectral measure seen from that probe. Any spectral sum, density or
/// eigenvalue count is evaluated from them without new operator applications.
/// </summary>
/// <remarks>
/// <para>Estimator (Ubaru, Chen, Saad, SIMAX 2017; THEORY.md §4): Σ_i f(λ_i) ≈ (D / n_v) Σ_l Σ_j τ_j^{(l)} f(θ_j^{(l)}).
/// Each probe term D·Σ_j τ_j f(θ_j) = zᵀ f(T) z-quadrature is an (up to quadrature error) unbiased Hutchinson sample
/// of tr f(A); the standard error is their sample standard deviation over √n_v.</para>
/// <para>Immutable and thread-safe. Evaluation allocates nothing for up to 256 probes (a stack buffer), beyond the
/// delegate call per node; the generic <see cref="SpectralSum{TFunction}(TFunction)"/> avoids the delegate too.</para>
/// </remarks>
public sealed class SpectralQuadrature
{
    private const int StackProbes = 256;
    private readonly double[] _nodes;     // all probes, concatenated
    private readonly double[] _weights;
    private readonly int[] _offsets;      // probe l occupies [_offsets[l], _offsets[l + 1])
    private readonly ReadOnlyCollection<int> _steps;
    private readonly ReadOnlyCollection<bool> _invariant;

    private SpectralQuadrature(int dimension, double[] nodes, double[] weights, int[] offsets, int[] steps, bool[] invariant,
        int operatorApplications, bool isExact, Reorthogonalization? reorthogonalization)
    {
        Dimension = dimension;
        _nodes = nodes;
        _weights = weights;
        _offsets = offsets;
        _steps = Array.AsReadOnly(steps);
        _invariant = Array.AsReadOnly(invariant);
        OperatorApplications = operatorApplications;
        IsExact = isExact;
        Reorthogonalization = reorthogonalization;
    }

    /// <summary>The operator dimension D (the number of eigenvalues the sums run over).</summary>
    public int Dimension { get; }

    /// <summary>Number of probes n_v.</summary>
    public int Probes => _offsets.Length - 1;

    /// <summary>Lanczos steps taken by each probe (≤ the requested steps: fewer when an invariant subspace was found).</summary>
    public IReadOnlyList<int> StepsPerProbe => _steps;

    /// <summary>Whether each probe stopped on an invariant subspace, in which case its quadrature is exact.</summary>
    public IReadOnlyList<bool> InvariantSubspaceFound => _invariant;

    /// <summary>Operator applications spent building this quadrature (0 when built from given nodes or eigenvalues).</summary>
    public int OperatorApplications { get; }

    /// <summary>
    /// True when built by <see cref="FromEigenvalues"/>: the nodes are the exact spectrum, sums are exact and their
    /// standard error is 0.
    /// </summary>
    public bool IsExact { get; }

    /// <summary>Orthogonalisation used by the Lanczos runs (null when built from given nodes or eigenvalues).</summary>
    public Reorthogonalization? Reorthogonalization { get; }

    /// <summary>Nodes θ_j of probe <paramref name="probe"/>, ascending.</summary>
    public ReadOnlySpan<double> Nodes(int probe)
    {
        CheckProbe(probe);
        return _nodes.AsSpan(_offsets[probe], _offsets[probe + 1] - _offsets[probe]);
    }

    /// <summary>Weights τ_j of probe <paramref name="probe"/> (non-negative, summing to 1), aligned with <see cref="Nodes"/>.</summary>
    public ReadOnlySpan<double> Weights(int probe)
    {
        CheckProbe(probe);
        return _weights.AsSpan(_offsets[probe], _offsets[probe + 1] - _offsets[probe]);
    }

    /// <summary>Estimates Σ_i f(λ_i) over the D eigenvalues, with its standard error across probes.</summary>
    /// <param name="f">The function f; called once per node.</param>
    /// <returns>Value (D/n_v)Σ_lΣ_j τ_j f(θ_j), standard error sd_l/√n_v (NaN for one probe, 0 when <see cref="IsExact"/>), Samples = n_v.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="f"/> is null.</exception>
    public StatisticalEstimate SpectralSum(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return SpectralSum(new DelegateFunction(f));
    }

    /// <summary>Allocation-free <see cref="SpectralSum(Func{double, double})"/> for a function type (best a struct).</summary>
    public StatisticalEstimate SpectralSum<TFunction>(TFunction function) where TFunction : ISpectralFunction
    {
        int probes = Probes;
        Span<double> sums = probes <= StackProbes ? stackalloc double[probes] : new double[probes];
        FillProbeSums(function, sums);
        return Summarize(sums);
    }

    /// <summary>Per-probe estimates D·Σ_j τ_j f(θ_j) of Σ_i f(λ_i), for custom statistics (their mean is <see cref="SpectralSum(Func{double, double})"/>).</summary>
    /// <param name="f">The function f.</param>
    /// <param name="destination">Destination of length <see cref="Probes"/>.</param>
    public void ProbeSums(Func<double, double> f, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(f);
        ProbeSums(new DelegateFunction(f), destination);
    }

    /// <summary>Allocation-free <see cref="ProbeSums(Func{double, double}, Span{double})"/>.</summary>
    public void ProbeSums<TFunction>(TFunction function, Span<double> destination) where TFunction : ISpectralFunction
    {
        if (destination.Length != Probes)
            throw new ArgumentException($"destination has length {destination.Length}; expected {Probes} (Probes).", nameof(destination));
        FillProbeSums(function, destination);
    }

    /// <summary>
    /// Estimated number of eigenvalues in the closed interval [<paramref name="lower"/>, <paramref name="upper"/>]:
    /// (D/n_v) Σ_l Σ_j τ_j 1{lower ≤ θ_j ≤ upper}, with its standard error. Infinite bounds are allowed.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is NaN or <paramref name="lower"/> &gt; <paramref name="upper"/>.</exception>
    public StatisticalEstimate EigenvalueCount(double lower, double upper)
    {
        if (double.IsNaN(lower)) throw new ArgumentOutOfRangeException(nameof(lower), lower, "lower must not be NaN.");
        if (double.IsNaN(upper)) throw new ArgumentOutOfRangeException(nameof(upper), upper, "upper must not be NaN.");
        if (lower > upper)
            throw new ArgumentException($"lower ({Preconditions.Format(lower)}) must not exceed upper ({Preconditions.Format(upper)}).", nameof(lower));
        return SpectralSum(new Indicator(lower, upper));
    }

    /// <summary>
    /// Gaussian-smoothed spectral density φ(x) = (1/n_v) Σ_l Σ_j τ_j N(x; θ_j, σ²) at each grid point, with
    /// σ = <see cref="DefaultDensityWidth"/>. φ integrates to 1 over ℝ (it is the density of one eigenvalue drawn
    /// at random; multiply by D for eigenvalues per unit).
    /// </summary>
    /// <param name="grid">Evaluation points (finite).</param>
    /// <param name="destination">Destination of the same length as <paramref name="grid"/>.</param>
    public void Density(ReadOnlySpan<double> grid, Span<double> destination) => Density(grid, DefaultDensityWidth, destination);

    /// <summary>Gaussian-smoothed spectral density with kernel standard deviation <paramref name="width"/> (&gt; 0).</summary>
    /// <param name="grid">Evaluation points (finite).</param>
    /// <param name="width">Kernel standard deviation σ &gt; 0.</param>
    /// <param name="destination">Destination of the same length as <paramref name="grid"/>.</param>
    public void Density(ReadOnlySpan<double> grid, double width, Span<double> destination)
    {
        Preconditions.CheckFinitePositive(width);
        Preconditions.CheckAllFinite(grid, nameof(grid));
        if (destination.Length != grid.Length)
            throw new ArgumentException($"destination has length {destination.Length}; expected {grid.Length} (grid length).", nameof(destination));
        double inverseVariance = 1.0 / (width * width);
        double scale = 1.0 / (Probes * width * Math.Sqrt(2.0 * Math.PI));
        double[] nodes = _nodes, weights = _weights;
        for (int g = 0; g < grid.Length; g++)
        {
            double x = grid[g];
            double sum = 0.0;
            for (int k = 0; k < nodes.Length; k++)
            {
                double d = x - nodes[k];
                sum += weights[k] * Math.Exp(-0.5 * d * d * inverseVariance);
            }
            destination[g] = sum * scale;
        }
    }

    /// <summary>
    /// Default kernel width σ of <see cref="Density(ReadOnlySpan{double}, Span{double})"/>: σ² = 10⁻⁵·max(1, λ̄_max − λ̄_min),
    /// with λ̄_max, λ̄_min the probe-averaged largest and smallest nodes widened by 0.01 — the rule of Ghorbani, Krishnan,
    /// Xiao (ICML 2019) in their reference code (google/spectral-density, <c>eigv_to_density</c>), also used by PyHessian.
    /// Their docs suggest trying σ² in [1e-5, 1e-1]; pass a width explicitly for other scales.
    /// </summary>
    public double DefaultDensityWidth
    {
        get
        {
            (double min, double max) = DefaultGridRange();
            return Math.Sqrt(1e-5 * Math.Max(1.0, max - min));
        }
    }

    /// <summary>
    /// An evenly spaced grid of <paramref name="points"/> values over [λ̄_min − 0.01, λ̄_max + 0.01], the probe-averaged
    /// extreme nodes widened as in Ghorbani et al.'s reference code.
    /// </summary>
    /// <param name="points">Number of grid points, ≥ 2 (their default is 10,000).</param>
    public double[] DensityGrid(int points)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, $"points must be >= 2; got {points}.");
        (double min, double max) = DefaultGridRange();
        var grid = new double[points];
        double step = (max - min) / (points - 1);
        for (int i = 0; i < points; i++) grid[i] = min + i * step;
        grid[points - 1] = max;
        return grid;
    }

    /// <summary>
    /// A quadrature from given per-probe nodes and weights (e.g. an exact or synthetic spectrum for tests, or
    /// Lanczos output computed elsewhere).
    /// </summary>
    /// <param name="dimension">D ≥ 1.</param>
    /// <param name="nodes">One non-empty array of finite nodes per probe (at least one probe).</param>
    /// <param name="weights">Matching arrays of finite, non-negative weights, each summing to 1 within 1e-6.</param>
    /// <exception cref="ArgumentException">Counts or lengths disagree, an entry is not finite, a weight is negative, or a probe's weights do not sum to 1.</exception>
    public static SpectralQuadrature FromNodesAndWeights(int dimension, IReadOnlyList<double[]> nodes, IReadOnlyList<double[]> weights)
    {
        Preconditions.CheckPositive(dimension);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(weights);
        if (nodes.Count == 0) throw new ArgumentException("nodes must contain at least one probe.", nameof(nodes));
        if (weights.Count != nodes.Count)
            throw new ArgumentException($"weights has {weights.Count} probes; nodes has {nodes.Count}.", nameof(weights));
        int total = 0;
        for (int l = 0; l < nodes.Count; l++)
        {
            double[] n = nodes[l] ?? throw new ArgumentNullException(nameof(nodes), $"nodes[{l}] is null.");
            double[] w = weights[l] ?? throw new ArgumentNullException(nameof(weights), $"weights[{l}] is null.");
            if (n.Length == 0) throw new ArgumentException($"nodes[{l}] is empty.", nameof(nodes));
            if (w.Length != n.Length)
                throw new ArgumentException($"weights[{l}] has length {w.Length}; nodes[{l}] has length {n.Length}.", nameof(weights));
            Preconditions.CheckAllFinite(n, $"nodes[{l}]");
            Preconditions.CheckAllFinite(w, $"weights[{l}]");
            double sum = 0;
            for (int j = 0; j < w.Length; j++)
            {
                if (w[j] < 0)
                    throw new ArgumentException($"weights[{l}][{j}] is {Preconditions.Format(w[j])}; weights must be >= 0.", nameof(weights));
                sum += w[j];
            }
            if (Math.Abs(sum - 1.0) > 1e-6)
                throw new ArgumentException($"weights[{l}] sums to {Preconditions.Format(sum)}; each probe's weights must sum to 1.", nameof(weights));
            total += n.Length;
        }
        var allNodes = new double[total];
        var allWeights = new double[total];
        var offsets = new int[nodes.Count + 1];
        var steps = new int[nodes.Count];
        for (int l = 0, at = 0; l < nodes.Count; l++)
        {
            // Keep each probe's nodes ascending (with their weights) as the Lanczos output is.
            var n = (double[])nodes[l].Clone();
            var w = (double[])weights[l].Clone();
            Array.Sort(n, w);
            n.CopyTo(allNodes, at);
            w.CopyTo(allWeights, at);
            offsets[l] = at;
            steps[l] = n.Length;
            at += n.Length;
            offsets[l + 1] = at;
        }
        return new SpectralQuadrature(dimension, allNodes, allWeights, offsets, steps, new bool[nodes.Count], 0, isExact: false, null);
    }

    /// <summary>
    /// The exact quadrature of a known spectrum: one "probe" with nodes λ_i and weights 1/D. Sums are then exact
    /// (standard error 0) and every consumer of a <see cref="SpectralQuadrature"/> can be fed exact eigenvalues.
    /// </summary>
    /// <param name="eigenvalues">The D eigenvalues (finite, non-empty).</param>
    public static SpectralQuadrature FromEigenvalues(ReadOnlySpan<double> eigenvalues)
    {
        Preconditions.CheckNotEmpty(eigenvalues.Length, nameof(eigenvalues));
        Preconditions.CheckAllFinite(eigenvalues, nameof(eigenvalues));
        double[] nodes = eigenvalues.ToArray();
        Array.Sort(nodes);
        var weights = new double[nodes.Length];
        Array.Fill(weights, 1.0 / nodes.Length);
        return new SpectralQuadrature(nodes.Length, nodes, weights, [0, nodes.Length], [nodes.Length], [false], 0, isExact: true, null);
    }

    /// <summary>Assembles the result of a Lanczos run (no copies; the arrays are owned from here on).</summary>
    internal static SpectralQuadrature FromLanczos(int dimension, double[] nodes, double[] weights, int[] offsets, int[] steps,
        bool[] invariant, int operatorApplications, Reorthogonalization reorthogonalization) =>
        new(dimension, nodes, weights, offsets, steps, invariant, operatorApplications, isExact: false, reorthogonalization);

    private void FillProbeSums<TFunction>(TFunction function, Span<double> sums) where TFunction : ISpectralFunction
    {
        double[] nodes = _nodes, weights = _weights;
        int[] offsets = _offsets;
        double dimension = Dimension;
        for (int l = 0; l < sums.Length; l++)
        {
            double sum = 0.0;
            for (int k = offsets[l]; k < offsets[l + 1]; k++) sum += weights[k] * function.Evaluate(nodes[k]);
            sums[l] = dimension * sum;
        }
    }

    private StatisticalEstimate Summarize(ReadOnlySpan<double> sums)
    {
        if (IsExact) return new StatisticalEstimate(sums[0], 0.0, 0);
        return StatisticalEstimate.FromSamples(sums);
    }

    private (double Min, double Max) DefaultGridRange()
    {
        double min = 0, max = 0;
        for (int l = 0; l < Probes; l++)
        {
            min += _nodes[_offsets[l]];
            max += _nodes[_offsets[l + 1] - 1];
        }
        return (min / Probes - 0.01, max / Probes + 0.01);
    }

    private void CheckProbe(int probe)
    {
        if ((uint)probe >= (uint)Probes)
            throw new ArgumentOutOfRangeException(nameof(probe), probe, $"probe must lie in [0, {Probes}); got {probe}.");
    }

    private readonly struct DelegateFunction(Func<double, double> f) : ISpectralFunction
    {
        public double Evaluate(double eigenvalue) => f(eigenvalue);
    }

    private readonly struct Indicator(double lower, double upper) : ISpectralFunction
    {
        public double Evaluate(double eigenvalue) => eigenvalue >= lower && eigenvalue <= upper ? 1.0 : 0.0;
    }
}
