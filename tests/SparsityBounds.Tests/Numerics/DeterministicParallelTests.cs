using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Numerics;

public class DeterministicParallelTests
{
    [Test]
    public void Sum_IsBitwiseIdentical_ForAnyThreadCount()
    {
        double[] values = Enumerable.Range(0, 100_003).Select(i => CounterRandom.Gaussian(3, 0, i) * Math.Pow(10, i % 17 - 8)).ToArray();
        double Partial(int start, int end) { double s = 0; for (int i = start; i < end; i++) s += values[i]; return s; }
        double one = DeterministicParallel.Sum(values.Length, 1000, 1, Partial);
        double all = DeterministicParallel.Sum(values.Length, 1000, -1, Partial);
        double two = DeterministicParallel.Sum(values.Length, 1000, 2, Partial);
        Assert.That(BitConverter.DoubleToInt64Bits(all), Is.EqualTo(BitConverter.DoubleToInt64Bits(one)));
        Assert.That(BitConverter.DoubleToInt64Bits(two), Is.EqualTo(BitConverter.DoubleToInt64Bits(one)));
        Assert.That(one, Is.EqualTo(values.Sum()).Within(1e-12 * values.Sum(Math.Abs)));
    }

    [Test]
    public void For_CoversEveryIndexOnce()
    {
        var hits = new int[12_345];
        DeterministicParallel.For(hits.Length, 100, -1, (s, e) => { for (int i = s; i < e; i++) Interlocked.Increment(ref hits[i]); });
        Assert.That(hits, Is.All.EqualTo(1));
    }
}
