using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Numerics;

public class CounterRandomTests
{
    [Test]
    public void SameCounter_SameValue_AnyOrder()
    {
        var forward = Enumerable.Range(0, 1000).Select(i => CounterRandom.Gaussian(5, 3, i)).ToArray();
        var backward = Enumerable.Range(0, 1000).Reverse().Select(i => CounterRandom.Gaussian(5, 3, i)).Reverse().ToArray();
        Assert.That(backward, Is.EqualTo(forward));
    }

    [Test]
    public void Gaussian_HasStandardMoments()
    {
        const int n = 200_000;
        double sum = 0, sumSq = 0, sum4 = 0;
        for (int i = 0; i < n; i++)
        {
            double g = CounterRandom.Gaussian(11, 0, i);
            sum += g; sumSq += g * g; sum4 += g * g * g * g;
        }
        double mean = sum / n, second = sumSq / n, fourth = sum4 / n;
        // Standard errors: mean 1/sqrt(n); E g² has variance 2; E g⁴ has variance 96.
        Assert.That(mean, Is.EqualTo(0).Within(4 / Math.Sqrt(n)));
        Assert.That(second, Is.EqualTo(1).Within(4 * Math.Sqrt(2.0 / n)));
        Assert.That(fourth, Is.EqualTo(3).Within(4 * Math.Sqrt(96.0 / n)));
    }

    [Test]
    public void Uniform_IsUniformByDecile()
    {
        const int n = 100_000;
        var counts = new int[10];
        for (int i = 0; i < n; i++) counts[(int)(CounterRandom.Uniform(2, 7, i) * 10)]++;
        double chiSquared = counts.Sum(c => (c - n / 10.0) * (c - n / 10.0) / (n / 10.0));
        Assert.That(chiSquared, Is.LessThan(27.88)); // chi-squared(9) 99.9% quantile
    }

    [Test]
    public void Rademacher_IsBalanced_AndStreamsAreUncorrelated()
    {
        const int n = 100_000;
        double sum = 0, cross = 0, lag = 0;
        for (int i = 0; i < n; i++)
        {
            double a = CounterRandom.Rademacher(1, 0, i), b = CounterRandom.Rademacher(1, 1, i), c = CounterRandom.Rademacher(2, 0, i);
            Assert.That(Math.Abs(a), Is.EqualTo(1.0));
            sum += a; cross += a * b + a * c;
            lag += a * CounterRandom.Rademacher(1, 0, i + 1);
        }
        double bound = 4 * Math.Sqrt(n);
        Assert.That(Math.Abs(sum), Is.LessThan(bound));
        Assert.That(Math.Abs(cross), Is.LessThan(2 * bound));
        Assert.That(Math.Abs(lag), Is.LessThan(bound));
    }
}
