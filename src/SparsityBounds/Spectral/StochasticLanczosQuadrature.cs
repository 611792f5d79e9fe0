using SparsityBounds.Numerics;
using SparsityBounds.Operators;

namespace SparsityBounds.Spectral;

/// <summary>
/// Stochastic Lanczos quadrature (SLQ): spectral sums Σ_i f(λ_i), densities and eigenvalue counts of a symmetric
/// operator from matrix-vector products only.
/// </summary>
/// <remarks>
/// <para>Ubaru, Chen, Saad, "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature", SIMAX 38(4), 2017;
/// for Hessians, Ghorbani, Krishnan, Xiao (ICML 2019) and Yao et al. (PyHessian, 2020). For each probe l a
/// Rademacher vector z_l (entries ±1 from the counter-based stream (Seed, l)) starts a <see cref="LanczosProcess"/>
/// at v₀ = z_l/√D; the m-step tridiagonal T gives Gauss nodes θ_j (its eigenvalues) and weights τ_j (squared first
/// eigenvector components), and Σ_i f(λ_i) ≈ (D/n_v) Σ_l Σ_j τ_j f(θ_j) (THEORY.md §4).</para>
/// <para>Probes run one after another on the calling thread: <see cref="ISymmetricOperator"/> instances may only be
/// applied from one thread at a time, and results are bitwise identical for a seed. A probe whose Lanczos run finds
/// an invariant subspace stops early; its quadrature is then exact.</para>
/// </remarks>
public static class StochasticLanczosQuadrature
{
    /// <summary>Runs SLQ and returns the cached nodes and weights of every probe.</summary>
    /// <param name="op">The symmetric operator (e.g. a Hessian).</param>
    /// <param name="options">Probes, steps, seed, orthogonalisation; <see cref="SlqOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    /// <returns>The quadrature; evaluate spectral sums with <see cref="SpectralQuadrature.SpectralSum(Func{double, double})"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">options.Probes or options.Steps is below 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <example>
    /// <code>
    /// SpectralQuadrature q = StochasticLanczosQuadrature.Estimate(hessian, new SlqOptions { Probes = 10, Steps = 100, Seed = 1 });
    /// StatisticalEstimate trace = q.SpectralSum(x => x);
    /// StatisticalEstimate width = q.SpectralSum(x => 2 * eps / (2 * eps + Math.Abs(x) * r * r));
    /// </code>
    /// </example>
    public static SpectralQuadrature Estimate(ISymmetricOperator op, SlqOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        options ??= SlqOptions.Default;
        if (options.Probes < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Probes, $"options.Probes must be >= 1; got {options.Probes}.");
        if (options.Steps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"options.Steps must be >= 1; got {options.Steps}.");
        if (options.Reorthogonalization is { } r && !Enum.IsDefined(r))
            throw new ArgumentOutOfRangeException(nameof(options), r, $"options.Reorthogonalization {r} is not defined.");
        int dimension = op.Dimension;
        if (dimension < 1) throw new ArgumentException($"op has dimension {dimension}; it must be >= 1.", nameof(op));
        cancellationToken.ThrowIfCancellationRequested();

        int steps = Math.Min(options.Steps, dimension);
        Reorthogonalization reorthogonalization = options.Reorthogonalization ?? ChooseReorthogonalization(steps, dimension);
        bool singleBasis = reorthogonalization != Reorthogonalization.None
            && (options.SinglePrecisionBasis ?? (long)steps * dimension * sizeof(double) > FullReorthogonalizationCacheBytes);
        var lanczosOptions = new LanczosOptions
        {
            Steps = steps, Reorthogonalization = reorthogonalization, SinglePrecisionBasis = singleBasis,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };

        int probes = options.Probes;
        var start = new double[dimension];
        if ((long)probes * steps > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(options), probes, $"options.Probes × min(options.Steps, D) = {(long)probes * steps} nodes is more than one array can hold.");
        var nodes = new double[probes * steps];
        var weights = new double[nodes.Length];
        var offsets = new int[probes + 1];
        var stepsPerProbe = new int[probes];
        var invariant = new bool[probes];
        LanczosProcess? lanczos = null;
        int at = 0;
        for (int l = 0; l < probes; l++)
        {
            CounterRandom.FillRademacher(options.Seed, l, start);
            if (lanczos is null) lanczos = new LanczosProcess(op, start, lanczosOptions);
            else lanczos.Restart(start);
            lanczos.Run(cancellationToken);
            int m = lanczos.Steps;
            lanczos.GaussQuadrature(nodes.AsSpan(at, m), weights.AsSpan(at, m));
            offsets[l] = at;
            stepsPerProbe[l] = m;
            invariant[l] = lanczos.FoundInvariantSubspace;
            at += m;
            offsets[l + 1] = at;
        }
        if (at < nodes.Length)
        {
            Array.Resize(ref nodes, at);
            Array.Resize(ref weights, at);
        }
        return SpectralQuadrature.FromLanczos(dimension, nodes, weights, offsets, stepsPerProbe, invariant,
            lanczos!.OperatorApplications, reorthogonalization);
    }

    /// <summary>
    /// Full reorthogonalisation while the basis (steps × D doubles) is cache-sized (≤ 16 MiB: the passes over it are cheap
    /// and keep orthogonality at ε rather than √ε); partial, with a float32 basis, up to the automatic memory limit, where
    /// passes over the basis are memory traffic that can rival the operator applications; none beyond.
    /// </summary>
    internal static Reorthogonalization ChooseReorthogonalization(int steps, int dimension)
    {
        long bytes = (long)steps * dimension * sizeof(double);
        if (bytes <= FullReorthogonalizationCacheBytes) return Reorthogonalization.Full;
        // Beyond the caches the automatic basis is float32 (half the bytes).
        return bytes / 2 <= SlqOptions.AutomaticFullReorthogonalizationBytes ? Reorthogonalization.Partial : Reorthogonalization.None;
    }

    /// <summary>Largest basis the automatic choice reorthogonalises fully (16 MiB, of the order of a last-level cache).</summary>
    internal const long FullReorthogonalizationCacheBytes = 16L << 20;
}
