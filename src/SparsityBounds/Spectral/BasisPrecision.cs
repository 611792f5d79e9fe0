namespace SparsityBounds.Spectral;

/// <summary>
/// How a <see cref="LanczosProcess"/> stores the copies of its Lanczos vectors that reorthogonalisation reads. The
/// three-term recurrence and every product and sum stay in double whatever the storage; only the stored copies v̂_k are
/// rounded, so reorthogonalising against them leaves w orthogonal to the exact v_k only to about the storage's rounding
/// error projected on w (Simon, Math. Comp. 42, 1984, §4: semi-orthogonality keeps T_m the projection of A to O(ω²‖A‖)).
/// Smaller storage means fewer bytes for the passes over the basis, which are memory-bound and dominate a long run on a
/// large operator once its products are fast.
/// </summary>
public enum BasisPrecision
{
    /// <summary>float64: 8 bytes per entry; orthogonality to ε.</summary>
    Double,

    /// <summary>float32: 4 bytes per entry, relative error ≤ 2⁻²⁴ per entry; partial reorthogonalisation resets ω to
    /// 3·2⁻²⁴/√D and triggers at 1000 times that.</summary>
    Single,

    /// <summary>16-bit integers with one double scale per slice of about 8,192 entries (x ≈ s·q, s = the slice's largest
    /// magnitude / 32767): 2 bytes per entry, error ≤ 2⁻¹⁶ of the slice's largest entry; partial reorthogonalisation
    /// resets ω to 3·2⁻¹⁵/√D and triggers at 1000 times that. Measured on a [64, 256, 256, 10] digits Hessian
    /// (D = 85,002): the same pruning limits as float32 to five digits at 4 × 250 and 1 × 600, with as many
    /// reorthogonalisations, and 0.56–0.65 of float32's time per pass over the basis; on tanh, wide ReLU and deep sigmoid
    /// digits nets (D = 38k–85k) within 1e-6 of a double basis (docs/benchmarks.md, end to end).</summary>
    Scaled16,
}
