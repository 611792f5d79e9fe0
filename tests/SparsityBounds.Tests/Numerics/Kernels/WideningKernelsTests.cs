using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

// The widening kernels on a double basis (the identity widening; float32 and int16 are covered through
// MixedPrecisionKernelsTests and ScaledInt16KernelsTests), on the Vector512 and the Vector256 path, against scalar twins.
[TestFixture(true)]
[TestFixture(false)]
public sealed class WideningKernelsTests(bool useVector512) : VectorWidthFixture(useVector512)
{
    private static double[] Vector(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => 2 * random.NextDouble() - 1).ToArray();
    }

    private static readonly int[] Lengths = [.. Enumerable.Range(0, 40), 67, 10_007];

    [TestCaseSource(nameof(Lengths))]
    public void DoubleDot4AndDot1_MatchReference_AndShareOneSummationOrder(int length)
    {
        double[] x = Vector(length, 9);
        double[][] rows = [Vector(length, 10), Vector(length, 11), Vector(length, 12), Vector(length, 13)];
        double[] four = new double[4];
        WideningKernels.Dot4<DoubleWidening, double>(rows[0], rows[1], rows[2], rows[3], x, four);
        for (int r = 0; r < 4; r++)
        {
            double expected = VectorKernels.Reference.Dot(rows[r], x);
            double tolerance = 4 * length * Math.Pow(2, -53) * rows[r].Zip(x, (p, q) => Math.Abs(p * q)).Sum() + 1e-300;
            Assert.That(four[r], Is.EqualTo(expected).Within(tolerance), $"row {r}");
            Assert.That(WideningKernels.Dot1<DoubleWidening, double>(rows[r], x), Is.EqualTo(four[r]), "Dot1 and Dot4 share one summation order");
        }
    }

    [TestCaseSource(nameof(Lengths))]
    public void DoubleSubtractCombination4AndSubtract_MatchReference(int length)
    {
        double[] coefficients = [0.3, -1.2, 2.5, 0.01];
        double[][] b = [Vector(length, 4), Vector(length, 5), Vector(length, 6), Vector(length, 7)];
        double[] w = Vector(length, 3), expected = (double[])w.Clone();
        WideningKernels.SubtractCombination4<DoubleWidening, double>(b[0], b[1], b[2], b[3], coefficients, w);
        for (int i = 0; i < length; i++)
            for (int k = 0; k < 4; k++) expected[i] -= coefficients[k] * b[k][i];
        Assert.That(w, Is.EqualTo(expected).Within(1e-14));

        double[] one = Vector(length, 8), oneExpected = (double[])one.Clone();
        WideningKernels.Subtract<DoubleWidening, double>(-0.75, b[1], one);
        VectorKernels.Reference.Axpy(0.75, b[1], oneExpected);
        Assert.That(one, Is.EqualTo(oneExpected).Within(1e-15));
    }

    [Test]
    public void RejectLengthMismatch()
    {
        double[] a = new double[8], shorter = new double[7];
        Assert.That(() => WideningKernels.Dot4<DoubleWidening, double>(a, a, a, shorter, a, new double[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
        Assert.That(() => WideningKernels.Dot4<DoubleWidening, double>(a, a, a, a, a, new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => WideningKernels.Dot1<DoubleWidening, double>(shorter, a), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
        Assert.That(() => WideningKernels.SubtractCombination4<DoubleWidening, double>(a, a, a, shorter, new double[4], a), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
        Assert.That(() => WideningKernels.Subtract<DoubleWidening, double>(1.0, shorter, a), Throws.ArgumentException.With.Property("ParamName").EqualTo("w"));
    }
}
