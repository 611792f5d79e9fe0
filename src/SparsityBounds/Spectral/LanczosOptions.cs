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
    /// Keep the reorthogonalisation basis (under <see cref="Reorthogonalization.Full"/> or
    /// <see cref="Reorthogonalization.Partial"/>) in float32 instead of float64: half the memory (m·D·4 bytes) and half the
    /// memory traffic of the passes over it, which dominate a long run on a large operator once its products are fast.
    /// The three-term recurrence and every product and sum stay in double; only the stored copies v̂_k of the Lanczos
    /// vectors are rounded (relative error ≤ 2⁻²⁴ per entry), so reorthogonalising against them leaves w orthogonal to the
    /// exact v_k to about 2⁻²⁴/√D rather than to ε: semi-orthogonality, which under partial reorthogonalisation is then
    /// held at ω ≤ max(√ε, 3000·2⁻²⁴/√D) and keeps T_m the projection of A to O(ω²‖A‖) (Simon, Math. Comp. 42, 1984, §4).
    /// Measured on a 85,002-parameter network Hessian: the same pruning limit to six digits as a double basis
    /// (docs/benchmarks.md). Cannot be combined with <see cref="KeepBasis"/> (which returns double vectors). Default false.
    /// </summary>
    public bool SinglePrecisionBasis { get; init; }

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
