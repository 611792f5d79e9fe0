namespace SparsityBounds.Spectral;

/// <summary>Settings of <see cref="ExtremeEigenvalues.Compute"/>.</summary>
public sealed record ExtremeEigenvalueOptions
{
    /// <summary>Seed of the Gaussian start vector (and of fresh directions after an invariant subspace).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Maximum Krylov basis size m between restarts (memory: m + 1 vectors of length D). 0 (default) means
    /// min(D, max(2·count + 1, 30)): ARPACK/SciPy <c>eigsh</c> recommend m ≥ 2·count + 1 (SciPy's default is
    /// max(2·count + 1, 20)); KrylovKit's default Krylov dimension is 30. An explicit value must exceed count unless it is ≥ D.
    /// </summary>
    public int KrylovDimension { get; init; }

    /// <summary>
    /// Convergence threshold: every wanted Ritz pair (θ, y) must have residual ‖Ay − θy‖ = β_m|s_{m−1}| ≤
    /// Tolerance·‖A‖ₑₛₜ. Then |θ − λ| ≤ Tolerance·‖A‖ (and ≈ residual²/gap when θ is isolated). Default 1e-10.
    /// </summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Maximum number of thick restarts before giving up (the result then reports Converged = false). Default 1000.</summary>
    public int MaxRestarts { get; init; } = 1000;

    /// <summary>Also return the Ritz vectors (count vectors of length D). Default false.</summary>
    public bool ComputeVectors { get; init; }

    /// <summary>The defaults above.</summary>
    public static ExtremeEigenvalueOptions Default { get; } = new();
}
