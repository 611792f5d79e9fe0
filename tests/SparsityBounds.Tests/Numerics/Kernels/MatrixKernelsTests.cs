using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

// Runs every case on the Vector512 tiles (where the machine has them) and on the Vector256 tiles.
[TestFixture(true)]
[TestFixture(false)]
public class MatrixKernelsTests(bool useVector512) : VectorWidthFixture(useVector512)
{
    // Odd sizes around the 4 × 8 and 8 × 16 register tiles and their edges, plus a depth beyond one block (256).
    private static readonly int[] Sizes = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 33];

    private static IEnumerable<TestCaseData> Shapes()
    {
        int seed = 0;
        foreach (int m in Sizes)
            foreach (int n in Sizes)
            {
                int k = Sizes[(m + 2 * n) % Sizes.Length];
                yield return new TestCaseData(m, n, k, seed++);
            }
        yield return new TestCaseData(6, 10, 300, 1000);
        yield return new TestCaseData(64, 128, 513, 1001);
        yield return new TestCaseData(0, 5, 3, 1002);
        yield return new TestCaseData(5, 3, 0, 1003);
    }

    private static double[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
    }

    // Leading dimensions one larger than needed, so the stride paths are exercised.
    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAddTransposedB_IsBitwiseEqualToReference(int m, int n, int k, int seed)
    {
        int lda = k + 1, ldb = k + 2, ldc = n + 1;
        double[] a = Random(Math.Max(1, m * lda), seed), b = Random(Math.Max(1, n * ldb), seed + 1);
        foreach (bool accumulate in new[] { true, false })
        {
            double[] expected = Random(Math.Max(1, m * ldc), seed + 2), actual = (double[])expected.Clone();
            MatrixKernels.Reference.MultiplyAddTransposedB(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            MatrixKernels.MultiplyAddTransposedB(m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            AssertPlainProduct(m, n, k, (i, p) => a[i * lda + p], (p, j) => b[j * ldb + p], actual, ldc, accumulate ? Random(Math.Max(1, m * ldc), seed + 2) : null);
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAddTransposedA_IsBitwiseEqualToReference(int m, int n, int k, int seed)
    {
        int lda = m + 3, ldb = n + 1, ldc = n + 2;
        double[] a = Random(Math.Max(1, k * lda), seed), b = Random(Math.Max(1, k * ldb), seed + 1);
        foreach (bool accumulate in new[] { true, false })
        {
            double[] expected = Random(Math.Max(1, m * ldc), seed + 2), actual = (double[])expected.Clone();
            MatrixKernels.Reference.MultiplyAddTransposedA(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            MatrixKernels.MultiplyAddTransposedA(m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            AssertPlainProduct(m, n, k, (i, p) => a[p * lda + i], (p, j) => b[p * ldb + j], actual, ldc, accumulate ? Random(Math.Max(1, m * ldc), seed + 2) : null);
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAdd_IsBitwiseEqualToReference(int m, int n, int k, int seed)
    {
        int lda = k + 1, ldb = n + 3, ldc = n;
        double[] a = Random(Math.Max(1, m * lda), seed), b = Random(Math.Max(1, k * ldb), seed + 1);
        foreach (bool accumulate in new[] { true, false })
        {
            double[] expected = Random(Math.Max(1, m * ldc), seed + 2), actual = (double[])expected.Clone();
            MatrixKernels.Reference.MultiplyAdd(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            if (accumulate) MatrixKernels.MultiplyAdd(m, n, k, a, lda, b, ldb, actual, ldc);
            else MatrixKernels.Multiply(m, n, k, a, lda, b, ldb, actual, ldc);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            AssertPlainProduct(m, n, k, (i, p) => a[i * lda + p], (p, j) => b[p * ldb + j], actual, ldc, accumulate ? Random(Math.Max(1, m * ldc), seed + 2) : null);
        }
    }

    [Test]
    public void Kernels_LeavePaddingColumnsUntouched()
    {
        const int m = 5, n = 6, k = 7, ldc = 9;
        double[] a = Random(m * k, 1), b = Random(n * k, 2);
        var c = Enumerable.Repeat(42.0, m * ldc).ToArray();
        MatrixKernels.MultiplyAddTransposedB(m, n, k, a, k, b, k, c, ldc, accumulate: false);
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++) Assert.That(c[i * ldc + j], Is.EqualTo(42.0));
    }

    [Test]
    public void Kernels_PropagateNaNAndInfinity()
    {
        double[] a = Random(4 * 5, 1), b = Random(5 * 8, 2);
        a[2 * 5 + 3] = double.NaN;
        b[0 * 8 + 1] = double.PositiveInfinity;
        var expected = new double[4 * 8];
        var actual = new double[4 * 8];
        MatrixKernels.Reference.MultiplyAdd(4, 8, 5, a, 5, b, 8, expected, 8);
        MatrixKernels.MultiplyAdd(4, 8, 5, a, 5, b, 8, actual, 8);
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(double.IsNaN(actual[2 * 8 + 0]), Is.True);
    }

    [Test]
    public void Kernels_RejectShortSpansAndBadStrides()
    {
        var a = new double[12];
        var b = new double[12];
        var c = new double[12];
        Assert.That(() => MatrixKernels.MultiplyAdd(3, 4, 4, a, 4, new double[16], 4, new double[11], 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("c"));
        Assert.That(() => MatrixKernels.MultiplyAdd(4, 4, 3, a, 3, b, 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("c"));
        Assert.That(() => MatrixKernels.MultiplyAdd(3, 4, 4, a, 4, b, 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("b"));
        Assert.That(() => MatrixKernels.MultiplyAdd(3, 4, 4, a, 3, new double[16], 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("row stride"));
        Assert.That(() => MatrixKernels.MultiplyAddTransposedB(3, 3, 4, a, 3, b, 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
        Assert.That(() => MatrixKernels.MultiplyAddTransposedA(3, 4, 5, a, 3, b, 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
        Assert.That(() => MatrixKernels.MultiplyAdd(-1, 4, 3, a, 3, b, 4, c, 4), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    // Independent check with plain multiply-add in double (no FMA): agrees to rounding.
    private static void AssertPlainProduct(int m, int n, int k, Func<int, int, double> a, Func<int, int, double> b,
        double[] actual, int ldc, double[]? initial)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = initial?[i * ldc + j] ?? 0.0, magnitude = Math.Abs(s);
                for (int p = 0; p < k; p++) { s += a(i, p) * b(p, j); magnitude += Math.Abs(a(i, p) * b(p, j)); }
                Assert.That(actual[i * ldc + j], Is.EqualTo(s).Within(1e-14 * magnitude + 1e-300), $"C[{i},{j}]");
            }
    }
}
