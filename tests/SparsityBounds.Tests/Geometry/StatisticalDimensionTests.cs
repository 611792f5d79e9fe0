using SparsityBounds.Geometry;
using static SparsityBounds.Tests.Geometry.GeometryGoldenValues;

namespace SparsityBounds.Tests.Geometry;

[TestFixture]
public partial class StatisticalDimensionTests
{
    [Test]
    public void CircularCone_MatchesGoldenValues()
    {
        foreach (var (d, angle, printed, precise) in CircularStatisticalDimensions)
        {
            double delta = StatisticalDimension.CircularCone(d, angle);
            Assert.That(delta, Is.EqualTo(printed).Within(Printed * printed), $"ORACLES.md d = {d}, α = {angle}");
            Assert.That(delta, Is.EqualTo(precise).Within(Exact * precise), $"mpmath d = {d}, α = {angle}");
        }
    }

    [Test]
    public void CircularCone_MatchesTheClosedFormInThreeDimensions()
    {
        // In ℝ³: v = ((1 − sin α)/2, cos α/2, sin α/2, (1 − cos α)/2), so δ = 3/2 − cos α + sin α.
        foreach (double angle in new[] { 0.01, 0.3, 0.7, 1.2, 1.55 })
            Assert.That(StatisticalDimension.CircularCone(3, angle), Is.EqualTo(1.5 - Math.Cos(angle) + Math.Sin(angle)).Within(1e-14));
    }

    [Test]
    public void CircularCone_ApproachesTheAsymptoticFormForLargeDimension()
    {
        // δ = d sin²α + cos 2α + o(1) (ALMT 2014, Prop. 3.4); the correction is exponentially small once d sin²α cos²α ≫ 1.
        foreach (double angle in new[] { 0.4, Math.PI / 4, 1.1 })
        {
            double asymptotic = 5000 * Math.Pow(Math.Sin(angle), 2) + Math.Cos(2 * angle);
            Assert.That(StatisticalDimension.CircularCone(5000, angle), Is.EqualTo(asymptotic).Within(1e-6 * asymptotic), $"α = {angle}");
        }
    }

    [Test]
    public void CircularCone_IsSelfDualComplementary()
    {
        // The polar of Circ(α) is Circ(π/2 − α), and δ(C) + δ(C°) = d.
        foreach (int d in new[] { 2, 7, 64, 1000 })
            foreach (double angle in new[] { 0.05, 0.5, 1.0 })
                Assert.That(StatisticalDimension.CircularCone(d, angle) + StatisticalDimension.CircularCone(d, Math.PI / 2 - angle),
                    Is.EqualTo(d).Within(1e-11 * d), $"d = {d}, α = {angle}");
    }

    [Test]
    public void OrthantSubspaceAndMonotone_AreExact()
    {
        Assert.That(StatisticalDimension.Orthant(101), Is.EqualTo(50.5));
        Assert.That(StatisticalDimension.Subspace(10, 7), Is.EqualTo(7.0));
        Assert.That(StatisticalDimension.MonotoneCone(10), Is.EqualTo(MonotoneCone10).Within(Printed * MonotoneCone10));
        Assert.That(StatisticalDimension.MonotoneCone(10), Is.EqualTo(7381.0 / 2520.0).Within(1e-15));
    }

    [Test]
    public void L1DescentConeLimit_MatchesGoldenValues()
    {
        foreach (var (rho, psi, tau, psiPrecise, tauPrecise) in L1Limits)
        {
            Assert.That(StatisticalDimension.L1DescentConeLimit(rho), Is.EqualTo(psi).Within(Printed * psi), $"ψ({rho}) ORACLES.md");
            Assert.That(StatisticalDimension.L1DescentConeLimit(rho), Is.EqualTo(psiPrecise).Within(Exact * psiPrecise), $"ψ({rho}) mpmath");
            Assert.That(StatisticalDimension.L1DescentConeThreshold(rho), Is.EqualTo(tau).Within(Printed * tau), $"τ*({rho}) ORACLES.md");
            Assert.That(StatisticalDimension.L1DescentConeThreshold(rho), Is.EqualTo(tauPrecise).Within(Exact * tauPrecise), $"τ*({rho}) mpmath");
        }
    }

    [TestCase(1e-6, 0.0000209490134060897787, 4.26546047051905481)]   // mpmath
    [TestCase(0.999, 0.999999363380092537, 0.000797884814777557304)]
    public void L1DescentConeLimit_IsAccurateNearTheEnds(double rho, double psi, double tau)
    {
        Assert.That(StatisticalDimension.L1DescentConeLimit(rho), Is.EqualTo(psi).Within(Exact * psi));
        Assert.That(StatisticalDimension.L1DescentConeThreshold(rho), Is.EqualTo(tau).Within(1e-9 * tau));
    }

    [Test]
    public void L1DescentCone_MatchesFiniteGoldenValuesAndIsDTimesPsi()
    {
        foreach (var (d, s, formula, _, _) in L1Finite)
        {
            Assert.That(StatisticalDimension.L1DescentCone(d, s), Is.EqualTo(formula).Within(Printed * formula), $"d = {d}, s = {s}");
            Assert.That(StatisticalDimension.L1DescentCone(d, s), Is.EqualTo(d * StatisticalDimension.L1DescentConeLimit((double)s / d)).Within(1e-12 * formula));
            Assert.That(StatisticalDimension.L1DescentConeThreshold(d, s), Is.EqualTo(StatisticalDimension.L1DescentConeThreshold((double)s / d)));
        }
        // mpmath: 100·ψ(0.25) = 58.2857614440617779.
        Assert.That(StatisticalDimension.L1DescentCone(100, 25), Is.EqualTo(58.2857614440617779).Within(Exact * 58.3));
    }

    [Test]
    public void L1DescentCone_HandlesTheEnds()
    {
        Assert.That(StatisticalDimension.L1DescentCone(50, 0), Is.EqualTo(0.0));
        Assert.That(StatisticalDimension.L1DescentCone(50, 50), Is.EqualTo(50.0));
        Assert.That(StatisticalDimension.L1DescentConeThreshold(50, 0), Is.EqualTo(double.PositiveInfinity));
        Assert.That(StatisticalDimension.L1DescentConeThreshold(50, 50), Is.EqualTo(0.0));
        Assert.That(StatisticalDimension.L1DescentConeLimit(0), Is.EqualTo(0.0));
        Assert.That(StatisticalDimension.L1DescentConeLimit(1), Is.EqualTo(1.0));
    }

    [Test]
    public void L1DescentCone_ThresholdMinimisesTheFormula()
    {
        // Independent of the root finder: the objective at τ* is below its value at nearby τ, and ψ is increasing and concave-ish.
        foreach (double rho in new[] { 0.003, 0.1, 0.42, 0.8 })
        {
            double Objective(double t) => rho * (1 + t * t) + (1 - rho) * StatisticalDimension.ShrinkageMoment(t);
            double tau = StatisticalDimension.L1DescentConeThreshold(rho);
            Assert.That(Objective(tau), Is.LessThanOrEqualTo(Objective(tau * 1.001)));
            Assert.That(Objective(tau), Is.LessThanOrEqualTo(Objective(tau * 0.999)));
            Assert.That(Objective(tau), Is.EqualTo(StatisticalDimension.L1DescentConeLimit(rho)).Within(1e-15));
        }
        double previous = 0;
        for (double rho = 0.01; rho < 1; rho += 0.01)
        {
            double psi = StatisticalDimension.L1DescentConeLimit(rho);
            Assert.That(psi, Is.GreaterThan(previous).And.GreaterThan(rho).And.LessThan(1.0), $"ρ = {rho}");
            previous = psi;
        }
    }

    [Test]
    public void ShrinkageMoment_MatchesGoldenValues()
    {
        foreach (var (tau, printed, precise) in ShrinkageMoments)
        {
            Assert.That(StatisticalDimension.ShrinkageMoment(tau), Is.EqualTo(printed).Within(Printed * printed), $"τ = {tau}");
            Assert.That(StatisticalDimension.ShrinkageMoment(tau), Is.EqualTo(precise).Within(Exact * precise), $"τ = {tau}");
        }
        Assert.That(StatisticalDimension.ShrinkageMoment(6), Is.EqualTo(9.68915349102365679e-11).Within(1e-9 * 9.69e-11), "mpmath, τ = 6");
    }

    [Test]
    public void ClosedForms_RejectBadInput()
    {
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.Orthant(0), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.CircularCone(0, 0.5), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.CircularCone(5, 0), "angle", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.CircularCone(5, Math.PI / 2), "angle", "1.5707963267948966");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.CircularCone(5, double.NaN), "angle", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.CircularCone(5, -0.2), "angle", "-0.2");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.L1DescentCone(10, 11), "sparsity", "11");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.L1DescentCone(10, -1), "sparsity", "-1");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.L1DescentCone(0, 0), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.L1DescentConeLimit(1.5), "sparsityFraction", "1.5");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.L1DescentConeThreshold(double.NaN), "sparsityFraction", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.Subspace(4, 5), "subspaceDimension", "5");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.MonotoneCone(-3), "dimension", "-3");
    }

}
