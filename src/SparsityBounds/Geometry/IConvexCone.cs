namespace SparsityBounds.Geometry;

/// <summary>
/// A closed convex cone C ⊆ ℝ^d with an exact Euclidean projection Π_C(x) = argmin_{y ∈ C} ‖x − y‖₂.
/// </summary>
/// <remarks>
/// The projection is all that <see cref="StatisticalDimension.Estimate(IConvexCone, int, int, CancellationToken)"/>
/// needs: δ(C) = E‖Π_C(g)‖² for a standard Gaussian g (Amelunxen, Lotz, McCoy, Tropp, "Living on the edge", 2014,
/// Prop. 3.1). A correct projection satisfies Π(x) ∈ C, ⟨x − Π(x), Π(x)⟩ = 0 and x − Π(x) ∈ C° (the polar cone), and
/// Moreau's decomposition x = Π_C(x) + Π_{C°}(x).
/// <para>Thread safety: the cones in this namespace keep no mutable state, so one instance may be projected from
/// several threads at once, and <see cref="StatisticalDimension.Estimate(IConvexCone, int, int, CancellationToken)"/>
/// projects them in parallel. A cone you implement yourself is only ever called from one thread at a time there.</para>
/// </remarks>
public interface IConvexCone
{
    /// <summary>The ambient dimension d.</summary>
    int Dimension { get; }

    /// <summary>Writes Π_C(<paramref name="x"/>) into <paramref name="result"/>.</summary>
    /// <param name="x">The point to project, of length <see cref="Dimension"/>.</param>
    /// <param name="result">Receives the projection; length <see cref="Dimension"/>, must not overlap <paramref name="x"/>.</param>
    void Project(ReadOnlySpan<double> x, Span<double> result);
}
