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
    /// A step that leaves a residual β_j ≤ <see cref="InvariantSubspaceTolerance"/> · ‖A‖ₑₛₜ ends the process: the
    /// Krylov space is (numerically) invariant, so the Gauss quadrature of the start vector is exact. ‖A‖ₑₛₜ is the
    /// running lower bound max_j ‖T e_j‖. Default 1e-12: a few hundred units of roundoff above the residual left after
    /// an exactly invariant space has been found, far below any residual that carries quadrature weight.
    /// </summary>
    public double InvariantSubspaceTolerance { get; init; } = 1e-12;

    /// <summary>The defaults above.</summary>
    public static LanczosOptions Default { get; } = new();
}
