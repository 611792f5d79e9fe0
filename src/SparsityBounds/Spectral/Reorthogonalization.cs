namespace SparsityBounds.Spectral;

/// <summary>How a Lanczos process keeps its basis orthogonal.</summary>
public enum Reorthogonalization
{
    /// <summary>
    /// The plain three-term recurrence: O(D) memory (three vectors), but orthogonality is lost once Ritz values
    /// converge, which produces spurious copies ("ghosts") of converged eigenvalues. Gauss quadrature with the
    /// resulting nodes and weights stays accurate (Greenbaum 1989; Knizhnerman 1996), so spectral sums tolerate it;
    /// Ritz values as eigenvalue estimates do not.
    /// </summary>
    None,

    /// <summary>
    /// Every new vector is orthogonalised against the whole stored basis by classical Gram–Schmidt applied twice
    /// ("twice is enough": Giraud, Langou, Rozložník 2005). Costs O(mD) memory and about 4jD flops at step j; keeps
    /// the basis orthonormal to working precision.
    /// </summary>
    Full,

    /// <summary>
    /// Partial reorthogonalisation (Simon, "The Lanczos algorithm with partial reorthogonalization", Math. Comp. 42,
    /// 1984; as in Larsen's PROPACK): the loss of orthogonality ω_{j,k} ≈ v_jᵀv_k is tracked by Simon's recurrence at
    /// O(j) cost per step, and the new vector is orthogonalised against the stored basis only when
    /// max_k |ω_{j+1,k}| exceeds √ε (then also at the next step). This keeps the basis semi-orthogonal, which makes
    /// T_m the projection of A to working accuracy (Simon 1984, Theorem 4), so Ritz values and Gauss quadrature match
    /// full reorthogonalisation while most steps skip the O(jD) pass over the basis: a long run on a large operator is
    /// then dominated by operator applications, not by memory traffic of the stored vectors. Same O(mD) memory as
    /// <see cref="Full"/>.
    /// </summary>
    Partial,
}
