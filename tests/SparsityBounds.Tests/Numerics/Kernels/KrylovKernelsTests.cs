using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

[TestFixture]
public sealed class KrylovKernelsTests
{
    private static double[] Vector(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => 2 * random.NextDouble() - 1).ToArray();
    }

    [Test]
    public void Rotate_MatchesReference([Range(0, 37)] int length)
    {
        double c = Math.Cos(0.7), s = Math.Sin(0.7);
        double[] x = Vector(length, 1), y = Vector(length, 2);
        double[] xr = (double[])x.Clone(), yr = (double[])y.Clone();
        KrylovKernels.Rotate(c, s, x, y);
        KrylovKernels.Reference.Rotate(c, s, xr, yr);
        Assert.That(x, Is.EqualTo(xr).Within(1e-15));
        Assert.That(y, Is.EqualTo(yr).Within(1e-15));
    }

    [Test]
    public void SubtractCombination2_MatchesReference([Range(0, 37)] int length)
    {
        double[] w = Vector(length, 8), wr = (double[])w.Clone();
        double[] b0 = Vector(length, 9), b1 = Vector(length, 10);
        KrylovKernels.SubtractCombination2(0.6, b0, -1.7, b1, w);
        KrylovKernels.Reference.SubtractCombination2(0.6, b0, -1.7, b1, wr);
        Assert.That(w, Is.EqualTo(wr).Within(1e-14));
        Assert.That(() => KrylovKernels.SubtractCombination2(1, new double[3], 1, new double[4], new double[3]), Throws.ArgumentException);
    }

    [Test]
    public void Kernels_RejectLengthMismatch()
    {
        Assert.That(() => KrylovKernels.Rotate(1, 0, new double[3], new double[4]), Throws.ArgumentException);
    }
}
