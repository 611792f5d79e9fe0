using SparsityBounds.Geometry;
using static SparsityBounds.Tests.Geometry.GeometryGoldenValues;

namespace SparsityBounds.Tests.Geometry;

// Monte Carlo δ against closed forms (4 standard errors) and against the Monte Carlo values of ORACLES.md
// (3 standard errors of the difference). Fixed seeds; several seeds where one could be lucky.
[Category("Statistical")]
public partial class StatisticalDimensionTests
{

    [Test]
    public void Estimate_Orthant_MatchesHalfTheDimensionAndTheOracle()
    {
        var estimate = StatisticalDimension.Estimate(new NonnegativeOrthant(100), 20_000, seed: 11);
        GeometryAssert.WithinStandardErrors(estimate, 50.0, 4, "orthant d = 100");
        double combined = Math.Sqrt(estimate.StandardError * estimate.StandardError + OrthantMonteCarlo100Error * OrthantMonteCarlo100Error);
        Assert.That(Math.Abs(estimate.Value - OrthantMonteCarlo100), Is.LessThanOrEqualTo(3 * combined), "vs ORACLES.md 49.96 ± 0.08");
    }

    [Test]
    public void Estimate_CircularCones_MatchTheExactValues()
    {
        foreach (var (d, angle, _, precise) in CircularStatisticalDimensions)
            foreach (int seed in new[] { 1, 2 })
                GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(new CircularCone(d, angle), 10_000, seed), precise, 4, $"circular d = {d}, α = {angle}, seed {seed}");
    }

    [Test]
    public void Estimate_CircularConeWithAnyAxis_MatchesTheExactValue()
    {
        var axis = new double[40];
        for (int i = 0; i < axis.Length; i++) axis[i] = Math.Sin(i + 1.0);
        GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(new CircularCone(axis, 0.6), 10_000, seed: 5),
            StatisticalDimension.CircularCone(40, 0.6), 4, "rotated axis");
    }

    [Test]
    public void Estimate_Subspaces_MatchTheirDimension()
    {
        GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(LinearSubspace.Random(60, 17, seed: 3), 10_000, seed: 4), 17, 4, "random subspace");
        GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(LinearSubspace.Coordinate(60, [1, 5, 9, 59]), 10_000, seed: 4), 4, 4, "coordinate subspace");
        var columns = new double[30, 3];
        for (int i = 0; i < 30; i++) { columns[i, 0] = 1; columns[i, 1] = i; columns[i, 2] = i * i; }
        GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(new LinearSubspace(columns), 10_000, seed: 4), 3, 4, "polynomial subspace");
    }

    [Test]
    public void Estimate_MonotoneCone_MatchesTheHarmonicNumber()
    {
        foreach (int seed in new[] { 7, 8 })
            GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(new MonotoneCone(10), 20_000, seed), MonotoneCone10, 4, $"monotone d = 10, seed {seed}");
        GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(new MonotoneCone(300), 4_000, seed: 9), StatisticalDimension.MonotoneCone(300), 4, "monotone d = 300");
    }

    [Test]
    public void Estimate_L1DescentCones_MatchTheOracleMonteCarloAndSitBelowTheFormula()
    {
        foreach (var (d, s, formula, oracle, oracleError) in L1Finite)
        {
            var cone = L1DescentCone.AtSparsePoint(d, s);
            var estimate = StatisticalDimension.Estimate(cone, d <= 100 ? 40_000 : 4_000, seed: 21);
            double combined = Math.Sqrt(estimate.StandardError * estimate.StandardError + oracleError * oracleError);
            Assert.That(Math.Abs(estimate.Value - oracle), Is.LessThanOrEqualTo(3 * combined), $"d = {d}, s = {s}: {estimate} vs ORACLES.md {oracle} ± {oracleError}");
            // The infimum formula is an upper bound within 2√(d/s) (ALMT 2014, Thm. 4.3).
            Assert.That(estimate.Value, Is.LessThan(formula), $"d = {d}, s = {s}");
            Assert.That(estimate.Value, Is.GreaterThan(formula - 2 * Math.Sqrt((double)d / s)), $"d = {d}, s = {s}");
        }
    }

    [Test]
    public void Estimate_L1DescentConeEnds_AreTheZeroConeAndAHalfSpace()
    {
        Assert.That(StatisticalDimension.Estimate(L1DescentCone.AtSparsePoint(20, 0), 100, seed: 1).Value, Is.EqualTo(0.0));
        // Full support: the half-space {h : ⟨sign x₀, h⟩ ≤ 0}, δ = d − ½ (the formula says d).
        var signs = new double[20];
        for (int i = 0; i < signs.Length; i++) signs[i] = i % 3 == 0 ? -2.5 : 0.1;
        GeometryAssert.WithinStandardErrors(StatisticalDimension.Estimate(new L1DescentCone(signs), 20_000, seed: 2), 19.5, 4, "half-space");
    }

    [Test]
    public void Estimate_StandardErrorShrinksLikeOneOverRootSamples()
    {
        var cone = new CircularCone(30, 0.7);
        var small = StatisticalDimension.Estimate(cone, 2_000, seed: 31);
        var large = StatisticalDimension.Estimate(cone, 32_000, seed: 32);
        Assert.That(large.StandardError / small.StandardError, Is.InRange(0.2, 0.3), "√(2000/32000) = 0.25");
        Assert.That(large.Samples, Is.EqualTo(32_000));
        double truth = StatisticalDimension.CircularCone(30, 0.7);
        GeometryAssert.WithinStandardErrors(small, truth, 4, "2 000 samples");
        GeometryAssert.WithinStandardErrors(large, truth, 4, "32 000 samples");
    }

    [Test]
    public void Estimate_IsBitwiseIdenticalForAnyThreadCount()
    {
        IConvexCone[] cones =
        [
            new CircularCone(50, 0.5), L1DescentCone.AtSparsePoint(50, 7), new MonotoneCone(50),
            EllipsoidCone.FromSublevelSet(Enumerable.Range(1, 50).Select(i => 1.0 / i).ToArray(), 0.01, 1.0, Enumerable.Repeat(1.0, 50).ToArray()),
        ];
        foreach (var cone in cones)
        {
            var serial = StatisticalDimension.Estimate(cone, 3_000, seed: 77, maxDegreeOfParallelism: 1, CancellationToken.None);
            var parallel = StatisticalDimension.Estimate(cone, 3_000, seed: 77, maxDegreeOfParallelism: -1, CancellationToken.None);
            var publicOverload = StatisticalDimension.Estimate(cone, 3_000, seed: 77);
            Assert.That(BitConverter.DoubleToInt64Bits(parallel.Value), Is.EqualTo(BitConverter.DoubleToInt64Bits(serial.Value)), cone.GetType().Name);
            Assert.That(BitConverter.DoubleToInt64Bits(parallel.StandardError), Is.EqualTo(BitConverter.DoubleToInt64Bits(serial.StandardError)), cone.GetType().Name);
            Assert.That(publicOverload, Is.EqualTo(serial));
            Assert.That(StatisticalDimension.Estimate(cone, 3_000, seed: 78).Value, Is.Not.EqualTo(serial.Value), "another seed gives other samples");
        }
    }

    [Test]
    public void Estimate_CallsAUserConeFromOneThreadAtATime()
    {
        var cone = new SingleThreadedOrthant(40);
        var estimate = StatisticalDimension.Estimate(cone, 4_000, seed: 5);
        Assert.That(cone.MaxConcurrentCalls, Is.EqualTo(1));
        Assert.That(cone.Calls, Is.EqualTo(4_000));
        Assert.That(estimate, Is.EqualTo(StatisticalDimension.Estimate(new NonnegativeOrthant(40), 4_000, seed: 5)), "same samples as the library orthant");
    }

    [Test]
    public void Estimate_HonoursCancellationAndRejectsBadInput()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => StatisticalDimension.Estimate(new CircularCone(10, 0.5), 1_000, 1, cancelled.Token));
        Assert.Throws<ArgumentNullException>(() => StatisticalDimension.Estimate(null!, 100, 1));
        GeometryAssert.ThrowsNamed<ArgumentOutOfRangeException>(() => StatisticalDimension.Estimate(new NonnegativeOrthant(3), 1, 1), "samples", "1");
    }

    private sealed class SingleThreadedOrthant(int dimension) : IConvexCone
    {
        private int _active;
        public int Dimension { get; } = dimension;
        public int MaxConcurrentCalls { get; private set; }
        public int Calls { get; private set; }

        public void Project(ReadOnlySpan<double> x, Span<double> result)
        {
            int active = Interlocked.Increment(ref _active);
            MaxConcurrentCalls = Math.Max(MaxConcurrentCalls, active);
            Calls++;
            for (int i = 0; i < x.Length; i++) result[i] = Math.Max(x[i], 0);
            Thread.SpinWait(50);
            Interlocked.Decrement(ref _active);
        }
    }
}
