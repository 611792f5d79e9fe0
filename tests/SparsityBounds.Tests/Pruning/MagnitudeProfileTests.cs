using SparsityBounds.Pruning;

namespace SparsityBounds.Tests.Pruning;

public class MagnitudeProfileTests
{
    private static readonly double[] W = [0.5, -3.0, 0.0, 2.0, -0.5, 1.0, -2.0];

    [Test]
    public void KeepOrder_IsByMagnitude_TiesByLowerIndex()
    {
        var p = new MagnitudeProfile(W);
        Assert.That(p.KeepOrder.ToArray(), Is.EqualTo(new[] { 1, 3, 6, 5, 0, 4, 2 }));
    }

    [Test]
    public void Distance_IsExactAtIntegers_AndLinearBetween()
    {
        var p = new MagnitudeProfile(W);
        int dp = W.Length;
        for (int k = 0; k <= dp; k++)
        {
            // Independent: sum of squares of the dp − k smallest magnitudes.
            double expected = Math.Sqrt(W.Select(Math.Abs).OrderBy(a => a).Take(dp - k).Sum(a => a * a));
            Assert.That(p.Distance((double)k / dp), Is.EqualTo(expected).Within(1e-15), $"k = {k}");
            Assert.That(p.DistanceAtCount(k), Is.EqualTo(expected).Within(1e-15));
        }
        double mid = p.Distance(2.25 / dp);
        Assert.That(mid, Is.EqualTo(0.75 * p.DistanceAtCount(2) + 0.25 * p.DistanceAtCount(3)).Within(1e-14));
    }

    [Test]
    public void KeepMask_KeepsCeilOfRhoDp_PlusNonPrunable()
    {
        bool[] prunable = [true, true, true, true, false, true, true]; // index 4 always kept
        var p = new MagnitudeProfile(W, prunable);
        Assert.That(p.PrunableCount, Is.EqualTo(6));
        Assert.That(p.KeptCount(0.5), Is.EqualTo(3));
        Assert.That(p.KeptCount(0.5 + 1e-12), Is.EqualTo(3), "the 1e-9 guard absorbs rounding");
        Assert.That(p.KeptCount(0.51), Is.EqualTo(4));
        bool[] mask = p.KeepMask(0.5);
        Assert.That(mask, Is.EqualTo(new[] { false, true, false, true, true, false, true }));
        Assert.That(p.KeepMask(0), Is.EqualTo(new[] { false, false, false, false, true, false, false }));
        Assert.That(p.KeepMask(1), Is.All.True);
        var pruned = new double[W.Length];
        p.Prune(3, pruned);
        Assert.That(pruned, Is.EqualTo(new[] { 0.0, -3.0, 0.0, 2.0, -0.5, 0.0, -2.0 }));
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new MagnitudeProfile([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
            Assert.That(() => new MagnitudeProfile([1, double.NaN]), Throws.ArgumentException.With.Message.Contains("weights[1]"));
            Assert.That(() => new MagnitudeProfile([1, 2], [true]), Throws.ArgumentException.With.Property("ParamName").EqualTo("prunable"));
            Assert.That(() => new MagnitudeProfile([1, 2], [false, false]), Throws.ArgumentException.With.Property("ParamName").EqualTo("prunable"));
            var p = new MagnitudeProfile(W);
            Assert.That(() => p.Distance(1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("keptFraction"));
            Assert.That(() => p.Distance(double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => p.KeepMask(-0.1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
