namespace SparsityBounds.Spectral;

/// <summary>Settings of <see cref="StochasticLanczosQuadrature.Estimate"/>.</summary>
/// <remarks>
/// Cost: at most <see cref="Probes"/> × <see cref="Steps"/> operator applications. The standard error of a spectral
/// sum falls like 1/√Probes; the quadrature (bias) error falls geometrically in Steps for functions analytic around
/// the spectrum (Ubaru, Chen, Saad, SIMAX 38(4), 2017, Theorem 4.1).
/// </remarks>
public sealed record SlqOptions
{
    /// <summary>
    /// Number of independent Rademacher probe vectors n_v (≥ 1). Default 10: the <c>num_draws</c> default of the
    /// reference code of Ghorbani, Krishnan, Xiao (ICML 2019; github.com/google/spectral-density). PyHessian's
    /// <c>density</c> defaults to a single probe, which gives no standard error; ten probes give one and cut the
    /// Monte Carlo error of a spectral sum by √10.
    /// </summary>
    public int Probes { get; init; } = 10;

    /// <summary>
    /// Lanczos steps per probe m (≥ 1; capped at the operator dimension). Default 100: PyHessian's
    /// <c>density(iter=100)</c> (Yao, Gholami, Keutzer, Mahoney, IEEE BigData 2020); Ghorbani et al.'s reference code
    /// uses 80. Gauss quadrature with m nodes is exact for polynomials of degree ≤ 2m − 1.
    /// </summary>
    public int Steps { get; init; } = 100;

    /// <summary>Seed of the probe vectors: probe l uses the Rademacher stream (Seed, l). Same seed ⇒ bitwise-identical results.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Orthogonalisation of each probe's Lanczos basis. Null (default) chooses automatically by the size of the basis
    /// (min(Steps, D) vectors of D doubles): <see cref="Spectral.Reorthogonalization.Full"/> up to 16 MiB (cache-sized,
    /// cheap), <see cref="Spectral.Reorthogonalization.Partial"/> while the basis (in 16-bit storage, see
    /// <see cref="BasisPrecision"/>) fits in <see cref="AutomaticFullReorthogonalizationBytes"/>,
    /// otherwise <see cref="Spectral.Reorthogonalization.None"/>.
    /// A (semi-)orthogonal basis is what PyHessian and Ghorbani et al.'s code keep (they reorthogonalise fully); it keeps
    /// ghost copies of converged outliers out of the nodes, which matters when the nodes are read as a spectrum (density
    /// plots, counts). Partial reorthogonalisation gives the same nodes and weights to working accuracy as full at a
    /// fraction of the memory traffic (measured on a [64, 256, 256, 10] digits Hessian: the same pruning limit to four
    /// digits with 65 % of the passes over the basis; docs/benchmarks.md). The quadrature is not always accurate without
    /// any reorthogonalisation: on that Hessian the plain recurrence biased the predicted kept fraction by +0.04 at
    /// 4 × 250 and 4 × 600 (same docs), so very large operators fall back to it only because the basis does not fit.
    /// </summary>
    public Reorthogonalization? Reorthogonalization { get; init; }

    /// <summary>
    /// Storage of each probe's reorthogonalisation basis (<see cref="LanczosOptions.BasisPrecision"/>). Null (default)
    /// chooses automatically: <see cref="Spectral.BasisPrecision.Double"/> while the double basis fits in 16 MiB (the
    /// caches, where the passes over it are cheap), otherwise <see cref="Spectral.BasisPrecision.Scaled16"/> (2 bytes per
    /// entry), where the passes are memory-bound. Measured on a [64, 256, 256, 10] digits Hessian (D = 85,002): the same
    /// pruning limits as float32 to five digits at 4 × 250 and 1 × 600 (float32: as double to six), as many
    /// reorthogonalisations, and 0.56–0.65 of float32's time per pass (docs/benchmarks.md, end to end).
    /// </summary>
    public BasisPrecision? BasisPrecision { get; init; }

    /// <summary>Memory limit of the automatic choice of a reorthogonalised <see cref="Reorthogonalization"/> (full or
    /// partial): 1 GiB.</summary>
    public const long AutomaticFullReorthogonalizationBytes = 1L << 30;

    /// <summary>Threads for the Lanczos passes over each probe's stored basis (<see cref="LanczosOptions.MaxDegreeOfParallelism"/>)
    /// and, with <see cref="ConcurrentProbes"/>, the most probes run at once; ≤ 0 (the default) uses every processor. The
    /// operator's own parallelism is set on the operator. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Run probes concurrently, one per thread, when the operator has concurrent views
    /// (<see cref="Operators.IConcurrentSymmetricOperator"/>, as the MLP Hessian and Gauss–Newton operators do). Null (the
    /// default) or true: whole rounds of min(threads, <see cref="Probes"/>) probes run at once and the remainder one after
    /// another; false: one after another, each using every thread for its products and passes. Results are bitwise
    /// identical either way. Why it is the default: a probe's products are compute-bound and scale with the cores, the
    /// passes over its Lanczos basis are bound by memory bandwidth and do not; with one probe per core, one probe's passes
    /// overlap the other's products. Measured on a [64, 256, 256, 10] digits Hessian (D = 85,002, 4 × 250, two cores;
    /// docs/benchmarks.md, end to end): 8.9–9.1 s per estimate with 7.1–8.5 % of it outside the products, against
    /// 9.8–10.0 s and 9.6–12.1 % with the probes one after another. Costs memory: one Lanczos basis and one set of the
    /// operator's working buffers per concurrent probe (the bases stay within <see cref="AutomaticFullReorthogonalizationBytes"/>
    /// together).
    /// </summary>
    public bool? ConcurrentProbes { get; init; }

    /// <summary>The defaults above: 10 probes × 100 steps, seed 0, automatic orthogonalisation.</summary>
    public static SlqOptions Default { get; } = new();
}
