using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Geometry;

/// <summary>
/// The circular (ice-cream) cone of half-angle α around a unit axis u: {x : ⟨u, x⟩ ≥ cos α ‖x‖}. The default axis is
/// the last coordinate vector, as in Amelunxen, Lotz, McCoy, Tropp (2014), Sec. 3.
/// </summary>
/// <remarks>
/// Projection in closed form. Write t = ⟨u, x⟩ and r = ‖x − t u‖. If r cos α ≤ t sin α, x is in the cone; if
/// r sin α ≤ −t cos α, x is in the polar cone (the circular cone of half-angle π/2 − α around −u) and Π(x) = 0;
/// otherwise Π(x) = ⟨x, b⟩ b with b = cos α · u + sin α · (x − t u)/r, the boundary ray in the plane of x and u.
/// Exact statistical dimension and intrinsic volumes: <see cref="StatisticalDimension.CircularCone"/>,
/// <see cref="IntrinsicVolumes.CircularCone"/>. Stateless: thread-safe.
/// </remarks>
public sealed class CircularCone : IConvexCone, IThreadSafeProjection
{
    private readonly double[] _axis;
    private readonly double _cos, _sin;

    /// <summary>The circular cone {x : x_d ≥ cos α ‖x‖} in ℝ^<paramref name="dimension"/>.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="angle">Half-angle α in (0, π/2), radians.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1, or <paramref name="angle"/> outside (0, π/2) or NaN.</exception>
    public CircularCone(int dimension, double angle)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAngle(angle);
        _axis = new double[dimension];
        _axis[dimension - 1] = 1.0;
        Angle = angle;
        (_sin, _cos) = Math.SinCos(angle);
    }

    /// <summary>The circular cone {x : ⟨u, x⟩ ≥ cos α ‖x‖} with u = <paramref name="axis"/>/‖<paramref name="axis"/>‖.</summary>
    /// <param name="axis">Any nonzero finite vector; its length is the dimension.</param>
    /// <param name="angle">Half-angle α in (0, π/2), radians.</param>
    /// <exception cref="ArgumentException"><paramref name="axis"/> is empty, zero or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="angle"/> outside (0, π/2) or NaN.</exception>
    public CircularCone(ReadOnlySpan<double> axis, double angle)
    {
        Preconditions.CheckNotEmpty(axis.Length, nameof(axis));
        Preconditions.CheckAllFinite(axis, nameof(axis));
        ConeArguments.CheckAngle(angle);
        double norm = VectorKernels.Norm(axis);
        if (!(norm > 0)) throw new ArgumentException("axis must be nonzero.", nameof(axis));
        _axis = new double[axis.Length];
        for (int i = 0; i < axis.Length; i++) _axis[i] = axis[i] / norm;
        Angle = angle;
        (_sin, _cos) = Math.SinCos(angle);
    }

    /// <inheritdoc />
    public int Dimension => _axis.Length;

    /// <summary>The half-angle α, radians.</summary>
    public double Angle { get; }

    /// <summary>The unit axis u.</summary>
    public IReadOnlyList<double> Axis => _axis;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A length differs from <see cref="Dimension"/>, the spans overlap, or x is not finite.</exception>
    public void Project(ReadOnlySpan<double> x, Span<double> result)
    {
        ConeArguments.CheckProjection(Dimension, x, result);
        ReadOnlySpan<double> u = _axis;
        double t = 0;
        for (int i = 0; i < x.Length; i++) t += u[i] * x[i];
        // r = ‖x − t u‖ summed directly: √(‖x‖² − t²) would cancel when x is close to the axis.
        double r2 = 0;
        for (int i = 0; i < x.Length; i++) { double e = x[i] - t * u[i]; r2 += e * e; }
        double r = Math.Sqrt(r2);
        if (r * _cos <= t * _sin) { x.CopyTo(result); return; }
        if (r * _sin <= -t * _cos) { result.Clear(); return; }
        double along = r * _sin + t * _cos;          // ⟨x, b⟩ > 0 here, and r > 0
        double gamma = along * _sin / r;             // coefficient of x
        double beta = along * _cos - gamma * t;      // coefficient of u
        for (int i = 0; i < x.Length; i++) result[i] = gamma * x[i] + beta * u[i];
    }
}
