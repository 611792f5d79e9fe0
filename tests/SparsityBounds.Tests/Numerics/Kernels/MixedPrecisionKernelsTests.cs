using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

// Runs every case on the Vector512 path (where the machine has it) and on the Vector256 path.
[TestFixture(true)]
[TestFixture(false)]
public sealed class MixedPrecisionKernelsTests(bool useVector512) : VectorWidthFixture(useVector512)
{
    private static double[] Vector(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => 2 * random.NextDouble() - 1).ToArray();
    }

    private static float[] Single(int length, int seed) => Vector(length, seed).Select(x => (float)x).ToArray();

    private static readonly int[] Lengths = [.. Enumerable.Range(0, 40), 67, 10_007];

    [TestCaseSource(nameof(Lengths))]
    public void ConvertToSingle_RoundsEveryEntryToNearest(int length)
    {
        double[] x = Vector(length, 1);
        if (length > 3) { x[0] = double.NaN; x[1] = double.PositiveInfinity; x[2] = -0.0; x[3] = 1e300; }
        var simd = new float[length];
        var scalar = new float[length];
        MixedPrecisionKernels.ConvertToSingle(x, simd);
        MixedPrecisionKernels.Reference.ConvertToSingle(x, scalar);
        // Bitwise: conversion is exact rounding, the same in every lane.
        Assert.That(simd.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(scalar.Select(BitConverter.SingleToInt32Bits)));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Dot4AndDot1_MatchTheDoubleSumOfWidenedProducts(int length)
    {
        float[][] a = [Single(length, 2), Single(length, 3), Single(length, 4), Single(length, 5)];
        double[] x = Vector(length, 6);
        var dots = new double[4];
        MixedPrecisionKernels.Dot4(a[0], a[1], a[2], a[3], x, dots);
        for (int k = 0; k < 4; k++)
        {
            double expected = MixedPrecisionKernels.Reference.Dot(a[k], x);
            // Products of a widened float and a double are exact in FMA; only the summation order differs.
            double tolerance = 4 * length * Math.Pow(2, -53) * a[k].Zip(x, (p, q) => Math.Abs(p * q)).Sum() + 1e-300;
            Assert.That(dots[k], Is.EqualTo(expected).Within(tolerance), $"Dot4[{k}]");
            Assert.That(MixedPrecisionKernels.Dot1(a[k], x), Is.EqualTo(expected).Within(tolerance), $"Dot1 of a{k}");
        }
    }

    [TestCaseSource(nameof(Lengths))]
    public void SubtractCombination4AndSubtract_MatchReference(int length)
    {
        double[] coefficients = [0.3, -1.2, 2.5, 0.01];
        float[][] b = [Single(length, 7), Single(length, 8), Single(length, 9), Single(length, 10)];
        double[] w = Vector(length, 11), expected = (double[])w.Clone();
        MixedPrecisionKernels.SubtractCombination4(b[0], b[1], b[2], b[3], coefficients, w);
        MixedPrecisionKernels.Reference.SubtractCombination(coefficients, expected, b);
        Assert.That(w, Is.EqualTo(expected).Within(1e-14));

        double[] one = Vector(length, 12), oneExpected = (double[])one.Clone();
        MixedPrecisionKernels.Subtract(-0.75, b[0], one);
        MixedPrecisionKernels.Reference.SubtractCombination([-0.75], oneExpected, b[0]);
        Assert.That(one, Is.EqualTo(oneExpected).Within(1e-15));
    }

    [Test]
    public void NonFiniteEntries_Propagate()
    {
        float[] a = Single(16, 13);
        a[9] = float.NaN;
        double[] x = Vector(16, 14);
        Assert.That(MixedPrecisionKernels.Dot1(a, x), Is.NaN);
        double[] w = Vector(16, 15);
        MixedPrecisionKernels.Subtract(1.0, a, w);
        Assert.That(double.IsNaN(w[9]), Is.True);
        Assert.That(w.Where((_, i) => i != 9).All(double.IsFinite), Is.True);
    }

    [Test]
    public void Kernels_RejectLengthMismatch()
    {
        Assert.That(() => MixedPrecisionKernels.ConvertToSingle(new double[3], new float[4]), Throws.ArgumentException);
        Assert.That(() => MixedPrecisionKernels.Dot1(new float[3], new double[4]), Throws.ArgumentException);
        Assert.That(() => MixedPrecisionKernels.Dot4(new float[3], new float[3], new float[3], new float[4], new double[3], new double[4]), Throws.ArgumentException);
        Assert.That(() => MixedPrecisionKernels.Subtract(1, new float[3], new double[4]), Throws.ArgumentException);
        Assert.That(() => MixedPrecisionKernels.SubtractCombination4(new float[3], new float[3], new float[3], new float[3], new double[3], new double[3]), Throws.ArgumentException);
    }
}
