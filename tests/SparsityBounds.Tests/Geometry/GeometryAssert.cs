using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Geometry;

/// <summary>Assertions shared by the geometry tests.</summary>
internal static class GeometryAssert
{
    /// <summary>|estimate − truth| ≤ k standard errors (and the standard error is positive, so the check cannot pass vacuously).</summary>
    internal static void WithinStandardErrors(StatisticalEstimate estimate, double truth, double standardErrors, string what)
    {
        Assert.That(estimate.StandardError, Is.GreaterThan(0), what);
        Assert.That(Math.Abs(estimate.Value - truth), Is.LessThanOrEqualTo(standardErrors * estimate.StandardError),
            $"{what}: {estimate} vs {truth} ({(estimate.Value - truth) / estimate.StandardError:F2} SE)");
    }

    /// <summary>An exception of type T whose parameter name and message identify the bad value.</summary>
    internal static void ThrowsNamed<T>(TestDelegate action, string parameter, string value) where T : ArgumentException
    {
        var exception = Assert.Throws<T>(action)!;
        Assert.That(exception.ParamName, Is.EqualTo(parameter));
        Assert.That(exception.Message, Does.Contain(value));
    }
}
