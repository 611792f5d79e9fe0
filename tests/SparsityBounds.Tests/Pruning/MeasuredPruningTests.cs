using SparsityBounds.Pruning;

namespace SparsityBounds.Tests.Pruning;

public class MeasuredPruningTests
{
    [Test]
    public void OneShotLimit_OnAQuadraticLoss_FindsTheExactThreshold()
    {
        // L(w) = ½‖w − w*‖² has L(w^k) − L(w*) = ½R(k)², so the limit is the smallest k with ½R(k)² ≤ ε.
        double[] w = PruningTestData.Gaussian(200, 3);
        var profile = new MagnitudeProfile(w);
        double Loss(ReadOnlySpan<double> v) { double s = 0; for (int i = 0; i < v.Length; i++) s += 0.5 * (v[i] - w[i]) * (v[i] - w[i]); return s; }
        foreach (double epsilon in new[] { 0.5, 5.0, 40.0 })
        {
            int expected = Enumerable.Range(0, 201).First(k => 0.5 * profile.DistanceAtCount(k) * profile.DistanceAtCount(k) <= epsilon);
            var limit = MeasuredPruning.OneShotLimit(Loss, w, epsilon);
            Assert.That(limit.KeptCount, Is.EqualTo(expected), $"ε = {epsilon}");
            Assert.That(limit.Curve, Has.Count.EqualTo(51));
            Assert.That(limit.Curve[^1].LossIncrease, Is.EqualTo(0.0));
            Assert.That(limit.LossEvaluations, Is.LessThan(51 + 10));
        }
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.That(() => MeasuredPruning.OneShotLimit(_ => 0, [1.0, 2.0], 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("epsilon"));
        Assert.That(() => MeasuredPruning.OneShotLimit(_ => double.NaN, [1.0, 2.0], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("loss"));
        Assert.That(() => MeasuredPruning.OneShotLimit(_ => 0, [1.0, 2.0], 1, options: new MeasuredPruningOptions { GridPoints = 2 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
