namespace SparsityBounds.Spectral;

/// <summary>Settings of a <see cref="LanczosProcess"/>.</summary>
public sealed record LanczosOptions
{
    /// <summary>
    /// Maximum number of Lanczos steps m (operator applications); capped at the operator dimension D.
    /// Default 100, as in PyHessian's <c>density(iter=100)</c> (Yao, Gholami, Keutzer, Mahoney 2020); Ghorbani,
    /// Krishnan, Xiao (ICML 2019) use 80–90.
    /// </summary>
    public int Steps { get; init; } = 100;

    /// <summary>
    /// Orthogonalisation strategy. Default <see cref="Reorthogonalization.Full"/>, as in PyHessian and in
    /// Ghorbani et al.'s reference code (google/spectral-density), which both reorthogonalise against every stored vector.
    /// </summary>
    public Reorthogonalization Reorthogonalization { get; init; } = Reorthogonalization.Full;

    /// <summary>
    /// Keep the Lanczos vectors so they can be read back through <see cref="LanczosProcess.BasisVector"/>.
    /// Always true in effect under <see cref="Reorthogonalization.Full"/>, which needs the basis. Default false.
    /// </summary>
    public bool KeepBasis { get; init; }

    /// <summary>
    /// Storage of the reorthogonalisation basis (under <see cref="Reorthogonalization.Full"/> or
    /// <see cref="Reorthogonalization.Partial"/>): <see cref="Spectral.BasisPrecision.Double"/> (the default, m·D·8 bytes),
    /// <see cref="Spectral.BasisPrecision.Single"/> (m·D·4) or <see cref="Spectral.BasisPrecision.Scaled16"/> (m·D·2):
    /// less memory and less memory traffic for the passes over it, which dominate a long run on a large operator once its
    /// products are fast. The recurrence and every product and sum stay in double; only the stored copies are rounded, and
    /// partial reorthogonalisation adapts its levels to the storage (see <see cref="Spectral.BasisPrecision"/>). Measured on
    /// a 85,002-parameter network Hessian: the same pruning limit as a double basis to six digits (float32) and five
    /// (16-bit) (docs/benchmarks.md). A reduced storage cannot be combined with <see cref="KeepBasis"/> (which returns double
    /// vectors).
    /// </summary>
    public BasisPrecision BasisPrecision { get; init; } = BasisPrecision.Double;

    /// <summary>
    /// A step that leaves a residual β_j ≤ <see cref="InvariantSubspaceTolerance"/> · ‖A‖ₑₛₜ ends the process: the
    /// Krylov space is (numerically) invariant, so the Gauss quadrature of the start vector is exact. ‖A‖ₑₛₜ is the
    /// running lower bound max_j ‖T e_j‖. Default 1e-12: a few hundred units of roundoff above the residual left after
    /// an exactly invariant space has been found, far below any residual that carries quadrature weight.
    /// </summary>
    public double InvariantSubspaceTolerance { get; init; } = 1e-12;

    /// <summary>
    /// Threads for the passes over the stored basis (reorthogonalisation); ≤ 0 (the default) uses every processor, as
    /// <see cref="Models.MlpObjective.MaxDegreeOfParallelism"/> does. The passes are memory-bound: a second core adds
    /// memory bandwidth (40 → 69 GB/s on the machine in docs/benchmarks.md). Results do not depend on it: the work is cut
    /// into a fixed partition of the vector length and partial sums are added in partition order.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>The defaults above.</summary>
    public static LanczosOptions Default { get; } = new();
}
