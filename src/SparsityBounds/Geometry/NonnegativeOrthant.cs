namespace SparsityBounds.Geometry;

/// <summary>The nonnegative orthant ℝ^d_+ = {x : xᵢ ≥ 0 for all i}.</summary>
/// <remarks>
/// Projection: Π(x)ᵢ = max(xᵢ, 0). Statistical dimension d/2, intrinsic volumes C(d, k)/2^d
/// (<see cref="StatisticalDimension.Orthant"/>, <see cref="IntrinsicVolumes.Orthant"/>). Stateless: thread-safe.
/// </remarks>
public sealed class NonnegativeOrthant : IConvexCone, IThreadSafeProjection
{
    /// <summary>The orthant of ℝ^<paramref name="dimension"/>.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public NonnegativeOrthant(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        Dimension = dimension;
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A length differs from <see cref="Dimension"/>, the spans overlap, or x is not finite.</exception>
    public void Project(ReadOnlySpan<double> x, Span<double> result)
    {
        ConeArguments.CheckProjection(Dimension, x, result);
        for (int i = 0; i < x.Length; i++) result[i] = x[i] > 0 ? x[i] : 0.0;
    }
}
