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
/// <para>Probes run one after another on the calling thread, unless the operator has concurrent views
/// (<see cref="IConcurrentSymmetricOperator"/>, e.g. the MLP Hessian): then whole rounds of probes run at once, one per
/// thread (<see cref="SlqOptions.ConcurrentProbes"/>). Each probe's nodes and weights are the same either way, so results
/// are bitwise identical for a seed whatever the threads. A probe whose Lanczos run finds an invariant subspace stops
/// early; its quadrature is then exact.</para>
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
        if (options.BasisPrecision is { } p && !Enum.IsDefined(p))
            throw new ArgumentOutOfRangeException(nameof(options), p, $"options.BasisPrecision {p} is not defined.");
        BasisPrecision storage = reorthogonalization == Reorthogonalization.None ? BasisPrecision.Double
            : options.BasisPrecision ?? ((long)steps * dimension * sizeof(double) > FullReorthogonalizationCacheBytes ? BasisPrecision.Scaled16 : BasisPrecision.Double);
        var lanczosOptions = new LanczosOptions
        {
            Steps = steps, Reorthogonalization = reorthogonalization, BasisPrecision = storage,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };

        int probes = options.Probes;
        if ((long)probes * steps > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(options), probes, $"options.Probes × min(options.Steps, D) = {(long)probes * steps} nodes is more than one array can hold.");
        long basisBytes = reorthogonalization == Reorthogonalization.None ? 0 : (long)steps * dimension * BytesPerEntry(storage);
        var run = new ProbeRun(op, options.Seed, probes, steps, lanczosOptions, ConcurrentWidth(op, options, basisBytes), cancellationToken);
        // Probes in whole rounds of `Width` run concurrently (one per thread); the remainder, fewer than a round, one after
        // another with the operator's and the passes' own parallelism. Every probe's nodes and weights are the same
        // either way, so the layout never changes a result.
        int concurrent = run.Width > 1 ? probes - probes % run.Width : 0;
        if (concurrent > 0) ChunkScheduler.Run(run, concurrent, run.Width);
        for (int l = concurrent; l < probes; l++) run.RunChunk(l);
        return run.Result(reorthogonalization);
    }

    /// <summary>Probes run at once: the threads allowed (<see cref="SlqOptions.MaxDegreeOfParallelism"/>, capped by the
    /// processors and the probes) when the operator has concurrent views and <see cref="SlqOptions.ConcurrentProbes"/>
    /// allows it, and no more than keep their Lanczos bases (<paramref name="basisBytes"/> each) within
    /// <see cref="SlqOptions.AutomaticFullReorthogonalizationBytes"/> together; otherwise 1.</summary>
    internal static int ConcurrentWidth(ISymmetricOperator op, SlqOptions options, long basisBytes)
    {
        if (op is not IConcurrentSymmetricOperator || options.ConcurrentProbes == false) return 1;
        int threads = options.MaxDegreeOfParallelism > 0 ? Math.Min(options.MaxDegreeOfParallelism, Environment.ProcessorCount) : Environment.ProcessorCount;
        long byMemory = basisBytes > 0 ? Math.Max(1, SlqOptions.AutomaticFullReorthogonalizationBytes / basisBytes) : int.MaxValue;
        return (int)Math.Max(1, Math.Min(Math.Min(threads, options.Probes), byMemory));
    }

    /// <summary>The probes of one SLQ run, each into its own slot of the result, on up to <see cref="Width"/> threads.</summary>
    private sealed class ProbeRun : IChunkJob
    {
        private readonly ISymmetricOperator _op;
        private readonly int _seed;
        private readonly int _steps;
        private readonly LanczosOptions _lanczosOptions;
        private readonly CancellationToken _cancellationToken;
        // One worker per concurrent probe: worker 0 applies the operator itself, the others its concurrent views.
        private readonly ISymmetricOperator?[] _operators;
        private readonly LanczosProcess?[] _processes;
        private readonly double[]?[] _starts;
        private readonly int[] _workerBusy;
        private readonly double[] _nodes;
        private readonly double[] _weights;
        private readonly int[] _stepsPerProbe;
        private readonly bool[] _invariant;

        internal ProbeRun(ISymmetricOperator op, int seed, int probes, int steps, LanczosOptions lanczosOptions, int width,
            CancellationToken cancellationToken)
        {
            _op = op;
            _seed = seed;
            _steps = steps;
            _lanczosOptions = lanczosOptions;
            _cancellationToken = cancellationToken;
            Width = width;
            _operators = new ISymmetricOperator?[width];
            _processes = new LanczosProcess?[width];
            _starts = new double[]?[width];
            _workerBusy = new int[width];
            _nodes = new double[probes * steps];
            _weights = new double[_nodes.Length];
            _stepsPerProbe = new int[probes];
            _invariant = new bool[probes];
        }

        internal int Width { get; }

        /// <summary>Runs probe <paramref name="probe"/> on a free worker (the calling thread's for the sequential remainder).</summary>
        public void RunChunk(int probe)
        {
            int worker = 0;
            // At most Width probes run at once, so a free worker exists.
            while (Interlocked.CompareExchange(ref _workerBusy[worker], 1, 0) != 0) worker = (worker + 1) % Width;
            try
            {
                _cancellationToken.ThrowIfCancellationRequested();
                double[] start = _starts[worker] ??= new double[_op.Dimension];
                CounterRandom.FillRademacher(_seed, probe, start);
                LanczosProcess? lanczos = _processes[worker];
                if (lanczos is null)
                {
                    ISymmetricOperator op = _operators[worker] ??= worker == 0 ? _op : ((IConcurrentSymmetricOperator)_op).CreateConcurrentView();
                    lanczos = _processes[worker] = new LanczosProcess(op, start, _lanczosOptions);
                }
                else lanczos.Restart(start);
                lanczos.Run(_cancellationToken);
                int m = lanczos.Steps;
                lanczos.GaussQuadrature(_nodes.AsSpan(probe * _steps, m), _weights.AsSpan(probe * _steps, m));
                _stepsPerProbe[probe] = m;
                _invariant[probe] = lanczos.FoundInvariantSubspace;
            }
            finally
            {
                Volatile.Write(ref _workerBusy[worker], 0);
            }
        }

        /// <summary>The probes' nodes and weights packed in probe order.</summary>
        internal SpectralQuadrature Result(Reorthogonalization reorthogonalization)
        {
            int probes = _stepsPerProbe.Length;
            var offsets = new int[probes + 1];
            for (int l = 0; l < probes; l++) offsets[l + 1] = offsets[l] + _stepsPerProbe[l];
            int total = offsets[probes];
            double[] nodes = _nodes, weights = _weights;
            if (total < _nodes.Length)
            {
                nodes = new double[total];
                weights = new double[total];
                for (int l = 0; l < probes; l++)
                {
                    _nodes.AsSpan(l * _steps, _stepsPerProbe[l]).CopyTo(nodes.AsSpan(offsets[l]));
                    _weights.AsSpan(l * _steps, _stepsPerProbe[l]).CopyTo(weights.AsSpan(offsets[l]));
                }
            }
            int applications = 0;
            foreach (LanczosProcess? lanczos in _processes) applications += lanczos?.OperatorApplications ?? 0;
            return SpectralQuadrature.FromLanczos(_op.Dimension, nodes, weights, offsets, _stepsPerProbe, _invariant,
                applications, reorthogonalization);
        }
    }

    /// <summary>
    /// Full reorthogonalisation while the basis (steps × D doubles) is cache-sized (≤ 16 MiB: the passes over it are cheap
    /// and keep orthogonality at ε rather than √ε); partial, with a 16-bit basis, up to the automatic memory limit, where
    /// passes over the basis are memory traffic that can rival the operator applications; none beyond.
    /// </summary>
    internal static Reorthogonalization ChooseReorthogonalization(int steps, int dimension)
    {
        long bytes = (long)steps * dimension * sizeof(double);
        if (bytes <= FullReorthogonalizationCacheBytes) return Reorthogonalization.Full;
        // Beyond the caches the automatic basis is 16-bit (a quarter of the bytes).
        return bytes / 4 <= SlqOptions.AutomaticFullReorthogonalizationBytes ? Reorthogonalization.Partial : Reorthogonalization.None;
    }

    private static int BytesPerEntry(BasisPrecision storage) => storage switch
    {
        BasisPrecision.Single => sizeof(float),
        BasisPrecision.Scaled16 => sizeof(short),
        _ => sizeof(double),
    };

    /// <summary>Largest basis the automatic choice reorthogonalises fully (16 MiB, of the order of a last-level cache).</summary>
    internal const long FullReorthogonalizationCacheBytes = 16L << 20;
}
