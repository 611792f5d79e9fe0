using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

// Runs every case on the Vector512 path (where the machine has it) and on the Vector256 path, against the scalar twins.
[TestFixture(true)]
[TestFixture(false)]
public sealed class ScaledInt16KernelsTests(bool useVector512) : VectorWidthFixture(useVector512)
{
    private static double[] Vector(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => 2 * random.NextDouble() - 1).ToArray();
    }

    private static short[] Int16(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (short)random.Next(-32767, 32768)).ToArray();
    }

    private static readonly int[] Lengths = [.. Enumerable.Range(0, 40), 67, 10_007];

    [TestCaseSource(nameof(Lengths))]
    public void Quantize_RoundsToTheNearestMultipleOfTheScale_AndMatchesTheScalarTwinBitwise(int length)
    {
        double[] x = Vector(length, 1).Select(v => v * 1e-3).ToArray();
        if (length > 5) { x[2] = -0.0; x[3] = 1e-300; x[4] = -2.5e-3; }   // the largest magnitude is negative
        var simd = new short[length];
        var scalar = new short[length];
        double scale = ScaledInt16Kernels.Quantize(x, simd);
        double expectedScale = ScaledInt16Kernels.Reference.Quantize(x, scalar);
        Assert.That(scale, Is.EqualTo(expectedScale));
        Assert.That(simd, Is.EqualTo(scalar));
        if (length == 0) return;
        Assert.That(scale, Is.EqualTo(x.Max(Math.Abs) / short.MaxValue));
        Assert.That(simd.Max(q => Math.Abs((int)q)), Is.EqualTo(short.MaxValue), "the largest entry maps to full scale");
        for (int i = 0; i < length; i++) Assert.That(simd[i] * scale, Is.EqualTo(x[i]).Within(0.5 * scale * (1 + 1e-12)), $"entry {i}");
    }

    [Test]
    public void Quantize_OfAZeroSlice_IsZero_AndTiesRoundToEven()
    {
        var q = new short[20];
        Array.Fill(q, (short)5);
        Assert.That(ScaledInt16Kernels.Quantize(new double[20], q), Is.Zero);
        Assert.That(q, Is.All.EqualTo(0));
        // max = 32767 makes the scale exactly 1, so x = k + ½ is a tie: it rounds to the even neighbour in every lane.
        double[] x = [.. Enumerable.Range(0, 19).Select(k => k + 0.5), 32767.0];
        var r = new short[20];
        Assert.That(ScaledInt16Kernels.Quantize(x, r), Is.EqualTo(1.0));
        Assert.That(r.Take(19), Is.EqualTo(Enumerable.Range(0, 19).Select(k => (short)(k % 2 == 0 ? k : k + 1))));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Dot4AndDot1_MatchTheDoubleSumOfWidenedProducts(int length)
    {
        short[][] a = [Int16(length, 2), Int16(length, 3), Int16(length, 4), Int16(length, 5)];
        double[] x = Vector(length, 6);
        var dots = new double[4];
        ScaledInt16Kernels.Dot4(a[0], a[1], a[2], a[3], x, dots);
        for (int k = 0; k < 4; k++)
        {
            double expected = ScaledInt16Kernels.Reference.Dot(a[k], x);
            // An int16 times a double is exact in an FMA; only the summation order differs.
            double tolerance = 4 * length * Math.Pow(2, -53) * a[k].Zip(x, (p, q) => Math.Abs(p * q)).Sum() + 1e-300;
            Assert.That(dots[k], Is.EqualTo(expected).Within(tolerance), $"Dot4[{k}]");
            Assert.That(ScaledInt16Kernels.Dot1(a[k], x), Is.EqualTo(expected).Within(tolerance), $"Dot1 of a{k}");
        }
    }

    [TestCaseSource(nameof(Lengths))]
    public void SubtractCombination4AndSubtract_MatchReference(int length)
    {
        double[] coefficients = [3e-5, -1.2e-4, 2.5e-5, 1e-6];
        short[][] b = [Int16(length, 7), Int16(length, 8), Int16(length, 9), Int16(length, 10)];
        double[] w = Vector(length, 11), expected = (double[])w.Clone();
        ScaledInt16Kernels.SubtractCombination4(b[0], b[1], b[2], b[3], coefficients, w);
        ScaledInt16Kernels.Reference.SubtractCombination(coefficients, expected, b);
        Assert.That(w, Is.EqualTo(expected).Within(1e-14));

        double[] one = Vector(length, 12), oneExpected = (double[])one.Clone();
        ScaledInt16Kernels.Subtract(-7.5e-5, b[0], one);
        ScaledInt16Kernels.Reference.SubtractCombination([-7.5e-5], oneExpected, b[0]);
        Assert.That(one, Is.EqualTo(oneExpected).Within(1e-15));
    }

    [Test]
    public void Kernels_RejectLengthMismatch()
    {
        short[] a = new short[8], shorter = new short[7];
        double[] x = new double[8];
        Assert.That(() => ScaledInt16Kernels.Quantize(x, shorter), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => ScaledInt16Kernels.Dot1(shorter, x), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
        Assert.That(() => ScaledInt16Kernels.Dot4(a, a, shorter, a, x, new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
        Assert.That(() => ScaledInt16Kernels.Dot4(a, a, a, a, x, new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => ScaledInt16Kernels.Subtract(1.0, shorter, x), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
        Assert.That(() => ScaledInt16Kernels.SubtractCombination4(a, a, a, a, new double[3], x), Throws.ArgumentException.With.Property("ParamName").EqualTo("coefficients"));
    }
}
