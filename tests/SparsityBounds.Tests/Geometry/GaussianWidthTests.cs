using SparsityBounds.Geometry;
using static SparsityBounds.Tests.Geometry.GeometryGoldenValues;

namespace SparsityBounds.Tests.Geometry;

[TestFixture]
public class GaussianWidthTests
{

    [Test]
    public void ClosedForms_MatchGoldenValues()
    {
        Assert.That(GaussianWidth.UnitBall(10), Is.EqualTo(UnitBall10).Within(Printed * UnitBall10));
        Assert.That(GaussianWidth.UnitBall(10), Is.EqualTo(UnitBall10Precise).Within(Exact * UnitBall10Precise));
        Assert.That(GaussianWidth.CircularCone(10, Math.PI / 6), Is.EqualTo(Circular10PiOver6).Within(Printed * Circular10PiOver6));
        Assert.That(GaussianWidth.CircularCone(10, Math.PI / 6), Is.EqualTo(Circular10PiOver6Precise).Within(Exact * Circular10PiOver6Precise));
        Assert.That(GaussianWidth.CircularCone(100, Math.PI / 4), Is.EqualTo(Circular100PiOver4).Within(Printed * Circular100PiOver4));
        Assert.That(GaussianWidth.CircularCone(100, Math.PI / 4), Is.EqualTo(Circular100PiOver4Precise).Within(Exact * Circular100PiOver4Precise));
    }

    [Test]
    public void UnitBall_IsTheMeanChiLength()
    {
        // ln Γ below 15 goes through the recurrence to 15 and keeps an absolute error of a few 1e-15.
        Assert.That(GaussianWidth.UnitBall(1), Is.EqualTo(Math.Sqrt(2 / Math.PI)).Within(1e-14));
        Assert.That(GaussianWidth.UnitBall(2), Is.EqualTo(Math.Sqrt(Math.PI / 2)).Within(1e-14));
        Assert.That(GaussianWidth.UnitBall(3), Is.EqualTo(2 * Math.Sqrt(2 / Math.PI)).Within(1e-14));
        // E‖g‖ = √d (1 − 1/(4d) + 1/(32d²) + …).
        double d = 1e6;
        Assert.That(GaussianWidth.UnitBall(1_000_000), Is.EqualTo(Math.Sqrt(d) * (1 - 1 / (4 * d) + 1 / (32 * d * d))).Within(1e-13 * Math.Sqrt(d)));
    }

    [Test]
    public void CircularCone_SandwichesTheStatisticalDimension()
    {
        // w² ≤ δ ≤ w² + 1 (ALMT 2014, Prop. 10.2).
        foreach (int d in new[] { 2, 3, 10, 100, 2000 })
            foreach (double angle in new[] { 0.02, 0.4, Math.PI / 4, 1.3, 1.55 })
            {
                double w = GaussianWidth.CircularCone(d, angle), delta = StatisticalDimension.CircularCone(d, angle);
                Assert.That(w * w, Is.LessThanOrEqualTo(delta * (1 + 1e-12)), $"d = {d}, α = {angle}");
                Assert.That(delta, Is.LessThanOrEqualTo(w * w + 1), $"d = {d}, α = {angle}");
            }
        Assert.That(GaussianWidth.CircularCone(1, 0.5), Is.EqualTo(0.0));
    }

    [Test]
    [Category("Statistical")]
    public void Estimate_MatchesTheClosedFormsThroughSupportFunctions()
    {
        GeometryAssert.WithinStandardErrors(GaussianWidth.Estimate(g => ConeProjectionTests.Norm(g.ToArray()), 10, 20_000, seed: 1), UnitBall10Precise, 4, "unit ball");
        foreach (var (d, angle) in new[] { (10, Math.PI / 6), (100, Math.PI / 4), (2, 0.3), (30, 1.4) })
        {
            // sup over the spherical cap of ⟨g, u⟩ = ‖g‖ cos((θ − α)₊), θ the angle between g and the axis e_d (here written
            // from the geometry of the cap, independently of the library's integrated formula).
            double Support(ReadOnlySpan<double> g)
            {
                double norm = ConeProjectionTests.Norm(g.ToArray());
                double theta = Math.Acos(Math.Clamp(g[^1] / norm, -1, 1));
                return norm * Math.Cos(Math.Max(theta - angle, 0));
            }
            GeometryAssert.WithinStandardErrors(GaussianWidth.Estimate(Support, d, 20_000, seed: d), GaussianWidth.CircularCone(d, angle), 4, $"circular d = {d}, α = {angle}");
        }
    }

    [Test]
    [Category("Statistical")]
    public void Estimate_CentredEllipsoidWidthLiesWithinItsBounds()
    {
        double[] semiAxes = [3, 2, 1, 0.5, 0.25, 0.1, 0.1, 0.01];
        double Support(ReadOnlySpan<double> g)
        {
            double sum = 0;
            for (int i = 0; i < g.Length; i++) sum += semiAxes[i] * semiAxes[i] * g[i] * g[i];
            return Math.Sqrt(sum);
        }
        var estimate = GaussianWidth.Estimate(Support, semiAxes.Length, 20_000, seed: 4);
        var bounds = GaussianWidth.CenteredEllipsoidBounds(semiAxes);
        double root = Math.Sqrt(semiAxes.Sum(r => r * r));
        Assert.That(bounds.Upper, Is.EqualTo(root).Within(1e-15 * root));
        Assert.That(bounds.Lower, Is.EqualTo(Math.Sqrt(2 / Math.PI) * root).Within(1e-15 * root));
        Assert.That(estimate.Value - 4 * estimate.StandardError, Is.GreaterThan(bounds.Lower));
        Assert.That(estimate.Value + 4 * estimate.StandardError, Is.LessThan(bounds.Upper));
    }

    [Test]
    public void ProjectedSublevelSetSquared_IsLarsensSum()
    {
        double[] eigenvalues = [4.0, -1.0, 0.0, 0.25];
        // 2ε = 0.2, R² = 0.04: terms 0.2/(0.2 + 0.16), 0.2/(0.2 + 0.04), 1, 0.2/(0.2 + 0.01).
        double expected = 0.2 / 0.36 + 0.2 / 0.24 + 1 + 0.2 / 0.21;
        Assert.That(GaussianWidth.ProjectedSublevelSetSquared(eigenvalues, 0.1, 0.2), Is.EqualTo(expected).Within(1e-15));
        Assert.That(GaussianWidth.ProjectedSublevelSetSquared(eigenvalues, 0.1, 0.0), Is.EqualTo(4.0), "R = 0: every axis counts");
        // For a ball of radius r seen from R: W = d r²/(R² + r²).
        var ball = Enumerable.Repeat(2.0, 50).ToArray();   // r² = 2ε/λ = 0.1
        Assert.That(GaussianWidth.ProjectedSublevelSetSquared(ball, 0.1, 1.0), Is.EqualTo(50 * 0.1 / 1.1).Within(1e-13));
    }

    [Test]
    public void ProjectedSublevelSetSquaredTangent_IsTheTangentSum()
    {
        double[] eigenvalues = [4.0, -1.0, 0.0, 0.25, 1e-9];
        // 2ε/(|λ|R²) with 2ε = 0.2, R² = 0.04: 1.25 → 1, 5 → 1, ∞ → 1, 20 → 1, huge → 1; at R = 1: 0.05, 0.2, 1, 0.8, 1.
        Assert.That(GaussianWidth.ProjectedSublevelSetSquaredTangent(eigenvalues, 0.1, 0.2), Is.EqualTo(5.0));
        Assert.That(GaussianWidth.ProjectedSublevelSetSquaredTangent(eigenvalues, 0.1, 1.0), Is.EqualTo(0.05 + 0.2 + 1 + 0.8 + 1).Within(1e-15));
        var random = new Random(3);
        var spectrum = Enumerable.Range(0, 200).Select(_ => Math.Exp(8 * random.NextDouble() - 6) * (random.NextDouble() < 0.1 ? -1 : 1)).ToArray();
        foreach (double distance in new[] { 0.01, 0.3, 1, 10 })
        {
            double w = GaussianWidth.ProjectedSublevelSetSquared(spectrum, 0.01, distance);
            double wt = GaussianWidth.ProjectedSublevelSetSquaredTangent(spectrum, 0.01, distance);
            Assert.That(wt, Is.GreaterThan(w).And.LessThanOrEqualTo(200), $"R = {distance}");
            Assert.That(wt, Is.LessThanOrEqualTo(2 * w), "term by term, min(1, x) ≤ 2x/(1 + x)");
        }
    }

    [Test]
    public void BadInput_IsRejectedWithParameterAndValue()
    {
        GeometryAssert.ThrowsNamed<ArgumentException>(() => GaussianWidth.ProjectedSublevelSetSquared([], 0.1, 1), "eigenvalues", "empty");
        GeometryAssert.ThrowsNamed<ArgumentException>(() => GaussianWidth.ProjectedSublevelSetSquared([1, double.NaN], 0.1, 1), "eigenvalues", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.ProjectedSublevelSetSquared([1.0], 0, 1), "epsilon", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.ProjectedSublevelSetSquared([1.0], 0.1, -1), "distance", "-1");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.ProjectedSublevelSetSquaredTangent([1.0], double.NaN, 1), "epsilon", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.ProjectedSublevelSetSquaredTangent([1.0], 0.1, double.PositiveInfinity), "distance", "Infinity");
        GeometryAssert.ThrowsNamed<ArgumentException>(() => GaussianWidth.CenteredEllipsoidBounds([1, -1]), "semiAxes", "-1");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.UnitBall(0), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.CircularCone(4, 0), "angle", "0");
        Assert.Throws<ArgumentNullException>(() => GaussianWidth.Estimate(null!, 3, 10, 1));
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.Estimate(_ => 1, 0, 10, 1), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => GaussianWidth.Estimate(_ => 1, 3, 1, 1), "samples", "1");
        var error = Assert.Throws<InvalidOperationException>(() => GaussianWidth.Estimate(g => g[0] > 0 ? double.NaN : 0, 3, 100, 1))!;
        Assert.That(error.Message, Does.Contain("NaN"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => GaussianWidth.Estimate(_ => 1, 3, 100, 1, cancelled.Token));
    }
}
