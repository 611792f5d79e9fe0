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
}
