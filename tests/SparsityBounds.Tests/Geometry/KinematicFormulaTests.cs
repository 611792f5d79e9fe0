using SparsityBounds.Geometry;
using static SparsityBounds.Tests.Geometry.GeometryGoldenValues;
using MathNetSpecial = MathNet.Numerics.SpecialFunctions;

namespace SparsityBounds.Tests.Geometry;

[TestFixture]
public class KinematicFormulaTests
{
    [Test]
    public void TwoCircularCones_MatchGoldenValues()
    {
        foreach (var (d, alpha, beta, printed, precise) in CircularPairs)
        {
            double p = KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, alpha), IntrinsicVolumes.CircularCone(d, beta));
            Assert.That(p, Is.EqualTo(printed).Within(Printed * printed), $"ORACLES.md d = {d}");
            Assert.That(p, Is.EqualTo(precise).Within(Exact * precise), $"mpmath d = {d}");
        }
    }

    // Circ(α) and a randomly rotated Circ(β) share a ray iff their axes are within α + β, so P is the normalised area of a
    // spherical cap of angle θ = α + β: ½ I_{sin²θ}((d−1)/2, ½) for θ ≤ π/2, one minus the complementary cap above.
    // Evaluated with MathNet's incomplete beta: an independent formula and implementation, in thousands of dimensions.
    [TestCase(3, 0.2, 0.9)]
    [TestCase(20, 1.0, 0.9)]
    [TestCase(500, 0.7, 0.8)]
    [TestCase(1000, 0.77, 0.78)]
    [TestCase(5000, 0.785, 0.7758)]
    [TestCase(5000, 0.8, 0.8)]
    [TestCase(5000, 0.4, 1.1)]
    public void TwoCircularCones_MatchTheSphericalCapInHighDimension(int d, double alpha, double beta)
    {
        double theta = alpha + beta;
        double Cap(double angle) => 0.5 * MathNetSpecial.BetaRegularized(0.5 * (d - 1), 0.5, Math.Pow(Math.Sin(angle), 2));
        double expected = theta <= Math.PI / 2 ? Cap(theta) : 1 - Cap(Math.PI - theta);
        double p = KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, alpha), IntrinsicVolumes.CircularCone(d, beta));
        Assert.That(p, Is.EqualTo(expected).Within(1e-9 * expected + 1e-15));
    }

    [Test]
    public void CircularConeAndSubspace_MatchGoldenCroftonValues()
    {
        foreach (var (d, angle, k, printed, precise) in Crofton)
        {
            double p = KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, angle), IntrinsicVolumes.Subspace(d, k));
            Assert.That(p, Is.EqualTo(printed).Within(Printed * printed), $"ORACLES.md d = {d}, k = {k}");
            Assert.That(p, Is.EqualTo(precise).Within(Exact * precise), $"mpmath d = {d}, k = {k}");
        }
    }

    // A uniform k-dimensional subspace L meets Circ(α) iff ‖P_L u‖² ≥ cos²α for the axis u, and ‖P_L u‖² ~ Beta(k/2, (d−k)/2),
    // so P = I_{sin²α}((d−k)/2, k/2).
    [TestCase(1000, 0.5, 230)]
    [TestCase(5000, Math.PI / 4, 2500)]
    [TestCase(5000, 0.3, 480)]
    public void CircularConeAndSubspace_MatchTheBetaLawInHighDimension(int d, double angle, int k)
    {
        double expected = MathNetSpecial.BetaRegularized(0.5 * (d - k), 0.5 * k, Math.Pow(Math.Sin(angle), 2));
        double p = KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, angle), IntrinsicVolumes.Subspace(d, k));
        Assert.That(p, Is.EqualTo(expected).Within(1e-9 * expected + 1e-15));
    }

    [Test]
    [Category("Statistical")]
    public void CircularConeAndSubspace_MatchRandomSubspacesByMonteCarlo()
    {
        // Draw uniform random subspaces (the library's generator) and test ‖P_L u‖ ≥ cos α directly.
        const int d = 10, k = 5, trials = 4000;
        double angle = Math.PI / 8;
        var axis = new double[d];
        axis[d - 1] = 1;
        var projection = new double[d];
        int hits = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            LinearSubspace.Random(d, k, seed: trial).Project(axis, projection);
            if (ConeProjectionTests.Norm(projection) >= Math.Cos(angle)) hits++;
        }
        double p = KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, angle), IntrinsicVolumes.Subspace(d, k));
        double standardError = Math.Sqrt(p * (1 - p) / trials);
        Assert.That((double)hits / trials, Is.EqualTo(p).Within(4 * standardError), $"Crofton value {p}");
    }

    [Test]
    public void SubspaceMeetsOrthant_MatchesWendelExactly()
    {
        foreach (var (d, k, numerator, denominator) in WendelExact)
        {
            double expected = (double)numerator / denominator;
            Assert.That(KinematicFormula.SubspaceMeetsOrthant(d, k), Is.EqualTo(expected).Within(1e-14 * expected), $"d = {d}, k = {k}");
        }
        foreach (var (d, k, printed, precise) in WendelDecimal)
        {
            Assert.That(KinematicFormula.SubspaceMeetsOrthant(d, k), Is.EqualTo(printed).Within(Printed * printed), $"d = {d}, k = {k}");
            Assert.That(KinematicFormula.SubspaceMeetsOrthant(d, k), Is.EqualTo(precise).Within(Exact * precise), $"d = {d}, k = {k}");
        }
    }

    [Test]
    public void SubspaceMeetsOrthant_AgreesWithTheGeneralFormulaAndTheBetaIdentity()
    {
        foreach (int d in new[] { 2, 9, 64, 1001, 4000 })
            foreach (int k in new[] { 1, d / 3, d / 2, d - 1 })
            {
                double wendel = KinematicFormula.SubspaceMeetsOrthant(d, k);
                double general = KinematicFormula.Probability(IntrinsicVolumes.Orthant(d), IntrinsicVolumes.Subspace(d, k));
                Assert.That(general, Is.EqualTo(wendel).Within(1e-11 * wendel + 1e-300), $"d = {d}, k = {k}");
                // Σ_{j<k} C(d−1, j) 2^{−(d−1)} = I_{1/2}(d − k, k).
                double beta = MathNetSpecial.BetaRegularized(d - k, k, 0.5);
                Assert.That(wendel, Is.EqualTo(beta).Within(1e-9 * beta + 1e-300), $"beta identity d = {d}, k = {k}");
            }
        Assert.That(KinematicFormula.SubspaceMeetsOrthant(7, 0), Is.EqualTo(0.0));
        Assert.That(KinematicFormula.SubspaceMeetsOrthant(7, 7), Is.EqualTo(1.0));
        Assert.That(KinematicFormula.SubspaceMeetsOrthant(1, 1), Is.EqualTo(1.0));
    }

    [Test]
    public void Probability_TreatsSubspacesAndTrivialConesCorrectly()
    {
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.Subspace(10, 3), IntrinsicVolumes.Subspace(10, 7)), Is.EqualTo(0.0));
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.Subspace(10, 4), IntrinsicVolumes.Subspace(10, 7)), Is.EqualTo(1.0));
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.Subspace(10, 0), IntrinsicVolumes.Subspace(10, 10)), Is.EqualTo(0.0));
        // K = ℝ^d meets every cone other than {0}; K = {0} meets nothing.
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.CircularCone(10, 0.2), IntrinsicVolumes.Subspace(10, 10)), Is.EqualTo(1.0).Within(1e-14));
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.CircularCone(10, 0.2), IntrinsicVolumes.Subspace(10, 0)), Is.EqualTo(0.0));
        // Symmetric in its arguments.
        var c = IntrinsicVolumes.CircularCone(30, 0.9);
        var m = IntrinsicVolumes.MonotoneCone(30);
        Assert.That(KinematicFormula.Probability(c, m), Is.EqualTo(KinematicFormula.Probability(m, c)).Within(1e-14));
    }

    [Test]
    public void TransitionHalfWidth_MatchesGoldenValues()
    {
        foreach (var (eta, printed, precise) in TransitionConstants)
        {
            Assert.That(KinematicFormula.TransitionHalfWidth(1, eta), Is.EqualTo(printed).Within(Printed * printed), $"η = {eta}");
            Assert.That(KinematicFormula.TransitionHalfWidth(1, eta), Is.EqualTo(precise).Within(Exact * precise), $"η = {eta}");
        }
        Assert.That(KinematicFormula.TransitionHalfWidth(10_000, 0.01), Is.EqualTo(HalfWidth10000Eta001).Within(Printed * HalfWidth10000Eta001));
    }

    [Test]
    public void Classify_PlacesPairsOnTheRightSideOfTheWindow()
    {
        // d = 100, η = 0.05: half-width 59.2083.
        var disjoint = KinematicFormula.Classify(10, 20, 100, 0.05);
        Assert.That(disjoint.Regime, Is.EqualTo(KinematicRegime.LikelyDisjoint));
        Assert.That(disjoint.Excess, Is.EqualTo(-70.0));
        Assert.That(disjoint.HalfWidth, Is.EqualTo(59.2082874920319351).Within(1e-12));
        Assert.That(KinematicFormula.Classify(60, 90, 100, 0.05).Regime, Is.EqualTo(KinematicRegime.WithinTransition));
        Assert.That(KinematicFormula.Classify(80, 80, 100, 0.05).Regime, Is.EqualTo(KinematicRegime.LikelyIntersecting));
        // Checked against the exact formula: two circular cones in d = 5000 far from the window are (almost) surely disjoint or meeting.
        int d = 5000;
        double small = StatisticalDimension.CircularCone(d, 0.5), large = StatisticalDimension.CircularCone(d, 1.2);
        Assert.That(KinematicFormula.Classify(small, small, d, 0.01).Regime, Is.EqualTo(KinematicRegime.LikelyDisjoint));
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, 0.5), IntrinsicVolumes.CircularCone(d, 0.5)), Is.LessThanOrEqualTo(0.01));
        Assert.That(KinematicFormula.Classify(large, large, d, 0.01).Regime, Is.EqualTo(KinematicRegime.LikelyIntersecting));
        Assert.That(KinematicFormula.Probability(IntrinsicVolumes.CircularCone(d, 1.2), IntrinsicVolumes.CircularCone(d, 1.2)), Is.GreaterThanOrEqualTo(0.99));
    }

    [Test]
    public void BadInput_IsRejectedWithParameterAndValue()
    {
        var valid = IntrinsicVolumes.Orthant(4);
        GeometryAssert.ThrowsNamed<ArgumentException>(() => KinematicFormula.Probability(valid, IntrinsicVolumes.Orthant(5)), "intrinsicVolumesK", "length 6");
        GeometryAssert.ThrowsNamed<ArgumentException>(() => KinematicFormula.Probability([1.0], [1.0]), "intrinsicVolumesC", "length 1");
        GeometryAssert.ThrowsNamed<ArgumentException>(() => KinematicFormula.Probability([0.5, 0.6, -0.1], [0, 0, 1.0]), "intrinsicVolumesC", "-0.1");
        GeometryAssert.ThrowsNamed<ArgumentException>(() => KinematicFormula.Probability([0, 0, 1.0], [0.5, double.NaN, 0.5]), "intrinsicVolumesK", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentException>(() => KinematicFormula.Probability([0.5, 0.6, 0.1], [0, 0, 1.0]), "intrinsicVolumesC", "1.2");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.SubspaceMeetsOrthant(0, 0), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.SubspaceMeetsOrthant(5, 6), "subspaceDimension", "6");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.TransitionHalfWidth(10, 1.0), "eta", "1");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.TransitionHalfWidth(10, double.NaN), "eta", "NaN");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.TransitionHalfWidth(0, 0.1), "dimension", "0");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.Classify(-1, 3, 10, 0.1), "statisticalDimensionC", "-1");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.Classify(1, 10.5, 10, 0.1), "statisticalDimensionK", "10.5");
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => KinematicFormula.Classify(1, double.NaN, 10, 0.1), "statisticalDimensionK", "NaN");
    }
}
