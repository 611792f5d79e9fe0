using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

public class VectorKernelsTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 68), 10_007];

    private static double[] Vector(int length, int stream) =>
        Enumerable.Range(0, length).Select(i => CounterRandom.Gaussian(17, stream, i)).ToArray();

    private static double Tolerance(double scale) => 1e-13 * Math.Max(1.0, Math.Abs(scale));

    [TestCaseSource(nameof(Lengths))]
    public void Dot_MatchesReference(int length)
    {
        double[] x = Vector(length, 1), y = Vector(length, 2);
        double expected = VectorKernels.Reference.Dot(x, y);
        double scale = VectorKernels.Reference.Dot(x.Select(Math.Abs).ToArray(), y.Select(Math.Abs).ToArray());
        Assert.That(VectorKernels.Dot(x, y), Is.EqualTo(expected).Within(Tolerance(scale)));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Axpy_MatchesReference(int length)
    {
        double[] x = Vector(length, 1), y = Vector(length, 2);
        double[] expected = (double[])y.Clone();
        VectorKernels.Reference.Axpy(0.37, x, expected);
        VectorKernels.Axpy(0.37, x, y);
        Assert.That(y, Is.EqualTo(expected).Within(1e-14));
    }

    [TestCaseSource(nameof(Lengths))]
    public void ScaleAndScaledSum_MatchReference_InPlace(int length)
    {
        double[] x = Vector(length, 1), y = Vector(length, 2);
        double[] expected = new double[length];
        VectorKernels.Reference.ScaledSum(-1.5, x, 0.25, y, expected);
        double[] actual = (double[])x.Clone();
        VectorKernels.ScaledSum(-1.5, actual, 0.25, y, actual); // destination aliases x exactly
        Assert.That(actual, Is.EqualTo(expected).Within(1e-14));

        VectorKernels.Reference.Scale(3.0, x, expected);
        VectorKernels.Scale(3.0, x, actual);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-14));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Norm_MatchesReference(int length)
    {
        double[] x = Vector(length, 3);
        Assert.That(VectorKernels.Norm(x), Is.EqualTo(VectorKernels.Reference.Norm(x)).Within(1e-11).Percent);
    }

    [TestCaseSource(nameof(Lengths))]
    public void LanczosResidual_MatchesReference(int length)
    {
        double[] hv = Vector(length, 1), v = Vector(length, 2), vPrev = Vector(length, 3);
        double[] expected = new double[length], actual = new double[length];
        double n0 = VectorKernels.Reference.LanczosResidual(hv, v, vPrev, 0.3, 0.7, expected);
        double n1 = VectorKernels.LanczosResidual(hv, v, vPrev, 0.3, 0.7, actual);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-13));
        Assert.That(n1, Is.EqualTo(n0).Within(1e-11).Percent);
    }

    [TestCaseSource(nameof(Lengths))]
    public void LanczosResidual_InPlaceOnProductBuffer(int length)
    {
        double[] hv = Vector(length, 1), v = Vector(length, 2), vPrev = Vector(length, 3);
        double[] expected = new double[length];
        double n0 = VectorKernels.Reference.LanczosResidual(hv, v, vPrev, -1.1, 0.2, expected);
        double n1 = VectorKernels.LanczosResidual(hv, v, vPrev, -1.1, 0.2, hv);
        Assert.That(hv, Is.EqualTo(expected).Within(1e-13));
        Assert.That(n1, Is.EqualTo(n0).Within(1e-11).Percent);
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void SpecialValues_PropagateLikeTheReference(double special)
    {
        for (int position = 0; position < 13; position++)
        {
            double[] hv = Vector(13, 1), v = Vector(13, 2), vPrev = Vector(13, 3);
            hv[position] = special;
            double[] expected = new double[13], actual = new double[13];
            double n0 = VectorKernels.Reference.LanczosResidual(hv, v, vPrev, 0.5, 0.5, expected);
            double n1 = VectorKernels.LanczosResidual(hv, v, vPrev, 0.5, 0.5, actual);
            for (int i = 0; i < 13; i++)
                Assert.That(double.IsNaN(actual[i]) == double.IsNaN(expected[i]) && (double.IsNaN(actual[i]) || Math.Abs(actual[i] - expected[i]) < 1e-13 || actual[i] == expected[i]), Is.True, $"entry {i}");
            Assert.That(double.IsNaN(n1), Is.EqualTo(double.IsNaN(n0)));
            Assert.That(double.IsPositiveInfinity(n1), Is.EqualTo(double.IsPositiveInfinity(n0)));
            Assert.That(double.IsNaN(VectorKernels.Dot(hv, v)), Is.EqualTo(double.IsNaN(VectorKernels.Reference.Dot(hv, v))));
        }
    }

    [Test]
    public void SignedZeros_AreKept()
    {
        double[] x = [0.0, -0.0, 0.0, -0.0, 0.0, -0.0, -0.0];
        double[] d = new double[x.Length];
        VectorKernels.Scale(1.0, x, d);
        for (int i = 0; i < x.Length; i++) Assert.That(double.IsNegative(d[i]), Is.EqualTo(double.IsNegative(x[i])), $"entry {i}");
        Assert.That(VectorKernels.Dot(x, x), Is.EqualTo(0.0));
    }

    [Test]
    public void LengthMismatch_Throws()
    {
        double[] a = new double[5], b = new double[6];
        Assert.Multiple(() =>
        {
            Assert.That(() => VectorKernels.Dot(a, b), Throws.ArgumentException);
            Assert.That(() => VectorKernels.Axpy(1, a, b), Throws.ArgumentException);
            Assert.That(() => VectorKernels.ScaledSum(1, a, 1, a, b), Throws.ArgumentException);
            Assert.That(() => VectorKernels.LanczosResidual(a, a, a, 1, 1, b), Throws.ArgumentException.With.Property("ParamName").EqualTo("r"));
        });
    }
}
