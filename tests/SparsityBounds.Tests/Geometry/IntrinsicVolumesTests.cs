using System.Numerics;
using SparsityBounds.Geometry;

namespace SparsityBounds.Tests.Geometry;

[TestFixture]
public class IntrinsicVolumesTests
{
    private static readonly int[] Dimensions = [1, 2, 3, 10, 101, 1000, 5000];
    private static readonly double[] Angles = [0.01, 0.3, Math.PI / 4, 1.2, 1.56];

    /// <summary>v ≥ 0, Σ v = 1, Σ_even v = Σ_odd v = ½ (Gauss–Bonnet, for cones that are not subspaces), and Σ k v_k = δ.</summary>
    private static void AssertValidVolumes(double[] v, int d, double delta, bool subspace, string what)
    {
        Assert.That(v, Has.Length.EqualTo(d + 1), what);
        Assert.That(v, Has.All.GreaterThanOrEqualTo(0.0), what);
        double sum = 0, even = 0, moment = 0;
        for (int k = 0; k <= d; k++) { sum += v[k]; if (k % 2 == 0) even += v[k]; moment += k * v[k]; }
        Assert.That(sum, Is.EqualTo(1.0).Within(1e-12), $"Σ v: {what}");
        if (!subspace) Assert.That(even, Is.EqualTo(0.5).Within(1e-12), $"Gauss–Bonnet: {what}");
        Assert.That(moment, Is.EqualTo(delta).Within(1e-11 * Math.Max(1, delta)), $"Σ k v_k: {what}");
    }

    [Test]
    public void Orthant_IsValidUpToDimension5000()
    {
        foreach (int d in Dimensions)
            AssertValidVolumes(IntrinsicVolumes.Orthant(d), d, d / 2.0, subspace: false, $"orthant d = {d}");
    }

    [Test]
    public void Orthant_MatchesExactBinomials()
    {
        foreach (int d in new[] { 1, 7, 60, 300 })
        {
            var v = IntrinsicVolumes.Orthant(d);
            var power = BigInteger.Pow(2, d);
            BigInteger binomial = 1;
            for (int k = 0; k <= d; k++)
            {
                double exact = Math.Exp(BigInteger.Log(binomial) - BigInteger.Log(power));
                Assert.That(v[k], Is.EqualTo(exact).Within(1e-12 * exact), $"d = {d}, k = {k}");
                binomial = binomial * (d - k) / (k + 1);
            }
        }
    }

    [Test]
    public void CircularCone_IsValidUpToDimension5000()
    {
        foreach (int d in Dimensions)
            foreach (double angle in Angles)
            {
                var v = IntrinsicVolumes.CircularCone(d, angle);
                AssertValidVolumes(v, d, StatisticalDimension.CircularCone(d, angle), subspace: false, $"circular d = {d}, α = {angle}");
                // The polar of Circ(α) is Circ(π/2 − α) and v_k(C°) = v_{d−k}(C): this ties the incomplete-beta ends to the middle terms.
                var polar = IntrinsicVolumes.CircularCone(d, Math.PI / 2 - angle);
                for (int k = 0; k <= d; k++)
                    Assert.That(polar[d - k], Is.EqualTo(v[k]).Within(1e-11 * v[k] + 1e-300), $"reversal d = {d}, α = {angle}, k = {k}");
            }
    }

    [Test]
    public void CircularCone_MatchesClosedFormsInTheLineThePlaneAndSpace()
    {
        Assert.That(IntrinsicVolumes.CircularCone(1, 0.4), Is.EqualTo(new[] { 0.5, 0.5 }));
        foreach (double angle in Angles)
        {
            // A planar wedge of opening 2α: ((π − 2α)/2π, ½, α/π).
            Assert.That(IntrinsicVolumes.CircularCone(2, angle), Is.EqualTo(new[] { (Math.PI - 2 * angle) / (2 * Math.PI), 0.5, angle / Math.PI }).Within(1e-14));
            // ℝ³: ((1 − sin α)/2, cos α/2, sin α/2, (1 − cos α)/2).
            double s = Math.Sin(angle), c = Math.Cos(angle);
            Assert.That(IntrinsicVolumes.CircularCone(3, angle), Is.EqualTo(new[] { (1 - s) / 2, c / 2, s / 2, (1 - c) / 2 }).Within(1e-14));
        }
    }

    [Test]
    public void Subspace_HasOneUnitVolume()
    {
        Assert.That(IntrinsicVolumes.Subspace(4, 2), Is.EqualTo(new[] { 0.0, 0, 1, 0, 0 }));
        Assert.That(IntrinsicVolumes.Subspace(4, 0), Is.EqualTo(new[] { 1.0, 0, 0, 0, 0 }));
        foreach (int d in Dimensions) AssertValidVolumes(IntrinsicVolumes.Subspace(d, d / 3), d, d / 3, subspace: true, $"subspace d = {d}");
    }

    [Test]
    public void MonotoneCone_IsStirlingNumbersOverFactorialAndValidUpTo5000()
    {
        // [4 k] = 0, 6, 11, 6, 1.
        Assert.That(IntrinsicVolumes.MonotoneCone(4), Is.EqualTo(new[] { 0.0, 6 / 24.0, 11 / 24.0, 6 / 24.0, 1 / 24.0 }).Within(1e-16));
        foreach (int d in Dimensions)
            AssertValidVolumes(IntrinsicVolumes.MonotoneCone(d), d, StatisticalDimension.MonotoneCone(d), subspace: d == 1, $"monotone d = {d}");
    }

    [Test]
    public void BadInput_IsRejected()
    {
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => IntrinsicVolumes.Orthant(0), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => IntrinsicVolumes.Subspace(3, 4), "subspaceDimension", "4");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => IntrinsicVolumes.Subspace(3, -1), "subspaceDimension", "-1");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => IntrinsicVolumes.CircularCone(3, 2.0), "angle", "2");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => IntrinsicVolumes.CircularCone(3, double.NaN), "angle", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => IntrinsicVolumes.MonotoneCone(0), "dimension", "0");
    }
}
