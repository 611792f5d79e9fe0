using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

// The float32 GEMMs on the Vector512 tiles (where the machine has them) and on the Vector256 tiles, against their scalar
// twins bitwise and against a double product to float32 rounding; ragged sizes around the 8 × 32 and 4 × 16 tiles.
[TestFixture(true)]
[TestFixture(false)]
public class SingleMatrixKernelsTests(bool useVector512) : VectorWidthFixture(useVector512)
{
    private static readonly int[] Sizes = [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47];

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
        yield return new TestCaseData(64, 256, 64, 1001);
        yield return new TestCaseData(128, 70, 513, 1002);
        yield return new TestCaseData(0, 5, 3, 1003);
        yield return new TestCaseData(5, 3, 0, 1004);
    }

    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(2 * rng.NextDouble() - 1)).ToArray();
    }

    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAdd_IsBitwiseEqualToReference(int m, int n, int k, int seed)
    {
        int lda = k + 1, ldb = n + 3, ldc = n + 1;
        float[] a = Random(Math.Max(1, m * lda), seed), b = Random(Math.Max(1, k * ldb), seed + 1);
        foreach (bool accumulate in new[] { true, false })
        {
            float[] expected = Random(Math.Max(1, m * ldc), seed + 2), actual = (float[])expected.Clone();
            SingleMatrixKernels.Reference.MultiplyAdd(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            SingleMatrixKernels.MultiplyAdd(m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            AssertNearDoubleProduct(m, n, k, (i, p) => a[i * lda + p], (p, j) => b[p * ldb + j], actual, ldc, accumulate ? Random(Math.Max(1, m * ldc), seed + 2) : null);
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAddTransposedA_IsBitwiseEqualToReference(int m, int n, int k, int seed)
    {
        int lda = m + 3, ldb = n, ldc = n + 2;
        float[] a = Random(Math.Max(1, k * lda), seed), b = Random(Math.Max(1, k * ldb), seed + 1);
        foreach (bool accumulate in new[] { true, false })
        {
            float[] expected = Random(Math.Max(1, m * ldc), seed + 2), actual = (float[])expected.Clone();
            SingleMatrixKernels.Reference.MultiplyAddTransposedA(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            SingleMatrixKernels.MultiplyAddTransposedA(m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            AssertNearDoubleProduct(m, n, k, (i, p) => a[p * lda + i], (p, j) => b[p * ldb + j], actual, ldc, accumulate ? Random(Math.Max(1, m * ldc), seed + 2) : null);
        }
    }

    // The fused weight-gradient kernel: two depth ranges (k2 = 0 too), double C, bitwise against its twin and close to
    // the double product; ragged m and n around the 8 × 32 tile.
    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAddTransposedAWidened_IsBitwiseEqualToReference(int m, int n, int k, int seed)
    {
        int k1 = Math.Min(k, 200), k2 = seed % 3 == 0 ? 0 : Math.Min(k1, 56);
        int lda1 = m + 3, ldb1 = n + 1, lda2 = m + 1, ldb2 = n + 5, ldc = n + 2;
        float[] a1 = Random(Math.Max(1, k1 * lda1), seed), b1 = Random(Math.Max(1, k1 * ldb1), seed + 1);
        float[] a2 = Random(Math.Max(1, k2 * lda2), seed + 3), b2 = Random(Math.Max(1, k2 * ldb2), seed + 4);
        var rng = new Random(seed);
        double[] initial = Enumerable.Range(0, Math.Max(1, m * ldc)).Select(_ => rng.NextDouble() - 0.5).ToArray();
        foreach (bool accumulate in new[] { true, false })
        {
            double[] expected = (double[])initial.Clone(), actual = (double[])initial.Clone();
            SingleMatrixKernels.Reference.MultiplyAddTransposedAWidened(m, n, k1, a1, lda1, b1, ldb1, k2, a2, lda2, b2, ldb2, expected, ldc, accumulate);
            SingleMatrixKernels.MultiplyAddTransposedAWidened(m, n, k1, a1, lda1, b1, ldb1, k2, a2, lda2, b2, ldb2, actual, ldc, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0, magnitude = 0;
                    for (int p = 0; p < k1; p++) { double t = (double)a1[p * lda1 + i] * b1[p * ldb1 + j]; s += t; magnitude += Math.Abs(t); }
                    for (int p = 0; p < k2; p++) { double t = (double)a2[p * lda2 + i] * b2[p * ldb2 + j]; s += t; magnitude += Math.Abs(t); }
                    double start = accumulate ? initial[i * ldc + j] : 0.0;
                    Assert.That(actual[i * ldc + j], Is.EqualTo(start + s).Within((k1 + k2 + 1) * 6e-8 * magnitude + 1e-15), $"C[{i},{j}]");
                }
            for (int i = 0; i < m; i++)
                for (int j = n; j < ldc && i * ldc + j < actual.Length; j++) Assert.That(actual[i * ldc + j], Is.EqualTo(initial[i * ldc + j]), "padding");
        }
    }

    [Test]
    public void MultiplyAddTransposedAWidened_RejectsDepthBeyondOneBlock()
    {
        var a = new float[300 * 4];
        Assert.That(() => SingleMatrixKernels.MultiplyAddTransposedAWidened(4, 4, 200, a, 4, a, 4, 57, a, 4, a, 4, new double[16], 4, true),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("k2"));
        Assert.That(() => SingleMatrixKernels.MultiplyAddTransposedAWidened(4, 4, 2, a, 4, a, 4, 0, [], 4, [], 4, new double[15], 4, true),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("c"));
    }

    // Pre-packed B (both packings): bitwise equal to the unpacked MultiplyAdd and to its own scalar twin.
    [TestCaseSource(nameof(Shapes))]
    public void MultiplyAddPacked_IsBitwiseEqualToMultiplyAdd(int m, int n, int k, int seed)
    {
        int lda = k + 1, ldb = n + 3, ldc = n + 1;
        float[] a = Random(Math.Max(1, m * lda), seed), b = Random(Math.Max(1, k * ldb), seed + 1);
        var packed = new float[Math.Max(1, SingleMatrixKernels.PackedLength(k, n))];
        SingleMatrixKernels.Pack(k, n, b, ldb, packed);
        // The same B stored transposed (S = Bᵀ, [n × k], stride k + 2) packs to the same panels.
        int lds = k + 2;
        var transposed = new float[Math.Max(1, n * lds)];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) transposed[j * lds + p] = b[p * ldb + j];
        var packedFromTranspose = new float[packed.Length];
        SingleMatrixKernels.PackTransposed(k, n, transposed, lds, packedFromTranspose);
        Assert.That(packedFromTranspose, Is.EqualTo(packed));
        foreach (bool accumulate in new[] { true, false })
        {
            float[] expected = Random(Math.Max(1, m * ldc), seed + 2), actual = (float[])expected.Clone(), twin = (float[])expected.Clone();
            SingleMatrixKernels.MultiplyAdd(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            SingleMatrixKernels.MultiplyAddPacked(m, n, k, a, lda, packed, actual, ldc, accumulate);
            SingleMatrixKernels.Reference.MultiplyAddPacked(m, n, k, a, lda, packed, twin, ldc, accumulate);
            Assert.That(actual, Is.EqualTo(expected), $"accumulate = {accumulate}");
            Assert.That(twin, Is.EqualTo(expected), $"twin, accumulate = {accumulate}");
        }
    }

    [Test]
    public void Kernels_LeavePaddingColumnsUntouched()
    {
        const int m = 9, n = 20, k = 7, ldc = 23;
        float[] a = Random(m * k, 1), b = Random(k * n, 2);
        var c = Enumerable.Repeat(42f, m * ldc).ToArray();
        SingleMatrixKernels.MultiplyAdd(m, n, k, a, k, b, n, c, ldc, accumulate: false);
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++) Assert.That(c[i * ldc + j], Is.EqualTo(42f));
    }

    [Test]
    public void Kernels_RejectShortSpansAndBadStrides()
    {
        var a = new float[12];
        var c = new float[12];
        Assert.That(() => SingleMatrixKernels.MultiplyAdd(3, 4, 4, a, 4, new float[16], 4, new float[11], 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("c"));
        Assert.That(() => SingleMatrixKernels.MultiplyAdd(3, 4, 4, a, 3, new float[16], 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("row stride"));
        Assert.That(() => SingleMatrixKernels.MultiplyAddTransposedA(3, 4, 5, a, 3, new float[20], 4, c, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
        Assert.That(() => SingleMatrixKernels.MultiplyAdd(-1, 4, 3, a, 3, new float[12], 4, c, 4), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(37)]
    public void Conversions_MatchScalarCasts(int n)
    {
        var rng = new Random(n);
        double[] source = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-40, 40))).ToArray();
        var narrowed = new float[n];
        SingleMatrixKernels.Narrow(source, narrowed);
        Assert.That(narrowed, Is.EqualTo(source.Select(x => (float)x).ToArray()));
        double[] accumulator = Enumerable.Range(0, n).Select(i => 0.25 * i).ToArray();
        SingleMatrixKernels.AddWidened(narrowed, accumulator);
        Assert.That(accumulator, Is.EqualTo(Enumerable.Range(0, n).Select(i => 0.25 * i + narrowed[i]).ToArray()));
        var sums = new double[3];
        float[] matrix = Random(4 * 3, n);
        SingleMatrixKernels.AddColumnSumsWidened(matrix, 4, sums, accumulate: false);
        for (int j = 0; j < 3; j++)
            Assert.That(sums[j], Is.EqualTo((double)matrix[j] + matrix[3 + j] + matrix[6 + j] + matrix[9 + j]));
        Assert.That(() => SingleMatrixKernels.Narrow(source, new float[n + 1]), Throws.ArgumentException);
    }

    [Test]
    public void MultiplyAddProduct_IsBitwiseEqualToReference()
    {
        const int n = 37;
        float[] t = Random(n, 1), d = Random(n, 2), e = Random(n, 3), z = Random(n, 4), expected = (float[])t.Clone();
        SingleMatrixKernels.MultiplyAddProduct(t, d, e, z);
        SingleMatrixKernels.Reference.MultiplyAddProduct(expected, d, e, z);
        Assert.That(t, Is.EqualTo(expected));
    }

    // Independent check against the product in double: within k·u₃₂·Σ|terms| (Higham §3.1).
    private static void AssertNearDoubleProduct(int m, int n, int k, Func<int, int, float> a, Func<int, int, float> b,
        float[] actual, int ldc, float[]? initial)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = initial?[i * ldc + j] ?? 0.0, magnitude = Math.Abs(s);
                for (int p = 0; p < k; p++) { s += (double)a(i, p) * b(p, j); magnitude += Math.Abs((double)a(i, p) * b(p, j)); }
                Assert.That(actual[i * ldc + j], Is.EqualTo(s).Within((k + 1) * 6e-8 * magnitude + 1e-30), $"C[{i},{j}]");
            }
    }
}
