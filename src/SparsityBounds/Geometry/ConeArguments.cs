using SparsityBounds.Numerics;

namespace SparsityBounds.Geometry;

/// <summary>Marks a library cone whose <see cref="IConvexCone.Project"/> keeps no mutable state, so Monte Carlo loops may call it from several threads.</summary>
internal interface IThreadSafeProjection : IConvexCone;

/// <summary>Argument checks shared by the cones and the geometry entry points.</summary>
internal static class ConeArguments
{
    /// <summary>The spans of a projection: both of length <paramref name="dimension"/>, not overlapping, x finite.</summary>
    internal static void CheckProjection(int dimension, ReadOnlySpan<double> x, Span<double> result)
    {
        if (x.Length != dimension)
            throw new ArgumentException($"x has length {x.Length}; the cone has dimension {dimension}.", nameof(x));
        if (result.Length != dimension)
            throw new ArgumentException($"result has length {result.Length}; the cone has dimension {dimension}.", nameof(result));
        if (x.Overlaps(result))
            throw new ArgumentException("x and result must not overlap.", nameof(result));
        Preconditions.CheckAllFinite(x, nameof(x));
    }

    /// <summary>An ambient dimension d ≥ 1.</summary>
    internal static void CheckDimension(int dimension, string name = "dimension")
    {
        if (dimension < 1)
            throw new ArgumentOutOfRangeException(name, dimension, $"{name} must be >= 1; got {dimension}.");
    }

    /// <summary>A cone half-angle strictly between 0 and π/2.</summary>
    internal static void CheckAngle(double angle, string name = "angle")
    {
        if (!(angle > 0 && angle < Math.PI / 2))
            throw new ArgumentOutOfRangeException(name, angle, $"{name} must lie in (0, π/2); got {Preconditions.Format(angle)}.");
    }

    /// <summary>An integer in [0, <paramref name="dimension"/>].</summary>
    internal static void CheckAtMostDimension(int value, int dimension, string name)
    {
        if (value < 0 || value > dimension)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, {dimension}] (the dimension); got {value}.");
    }

    /// <summary>A Monte Carlo sample count of at least 2 (one sample has no standard error).</summary>
    internal static void CheckSamples(int samples, string name = "samples")
    {
        if (samples < 2)
            throw new ArgumentOutOfRangeException(name, samples, $"{name} must be >= 2 so a standard error exists; got {samples}.");
    }
}
