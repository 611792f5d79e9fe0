using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Tests.Spectral;

namespace SparsityBounds.Tests.Numerics;

[TestFixture]
public sealed class SymmetricEigenTests
{
    private static double[,] RandomSymmetric(int n, int seed)
    {
        var random = new Random(seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = 2 * random.NextDouble() - 1;
        return a;
    }

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 3)]
    [TestCase(10, 4)]
    [TestCase(64, 5)]
    [TestCase(150, 6)]
    [TestCase(600, 7)]   // wide enough for the batched rotations (≥ 512 columns), the panels and the parallel row passes
    [TestCase(257, 8)]   // one panel short of a multiple: panels, then the unblocked tail
    [TestCase(300, 9)]
    public void Decompose_MatchesMathNetEvd(int n, int seed)
    {
        double[,] a = RandomSymmetric(n, seed);
        Matrix<double> m = Matrix<double>.Build.DenseOfArray(a);
        double[] expected = TestSpectra.MathNetEigenvalues(a);
        double norm = m.L2Norm();

        SymmetricEigenDecomposition result = SymmetricEigen.Decompose(a);
        for (int i = 0; i < n; i++) Assert.That(result.Values[i], Is.EqualTo(expected[i]).Within(1e-13 * norm * Math.Sqrt(n)), $"eigenvalue {i}");

        Matrix<double> v = Matrix<double>.Build.DenseOfArray(result.Vectors!);
        Matrix<double> lambda = Matrix<double>.Build.DenseOfDiagonalArray(result.Values);
        Assert.That((m * v - v * lambda).InfinityNorm(), Is.LessThan(1e-13 * norm * n), "‖AV − VΛ‖∞");
        Assert.That((v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(n)).InfinityNorm(), Is.LessThan(1e-14 * n), "‖VᵀV − I‖∞");
    }

    [Test]
    public void Eigenvalues_RecoverPrescribedSpectrumWithMultiplicitiesAndZeros()
    {
        double[] spectrum = [.. Enumerable.Repeat(0.0, 40), .. Enumerable.Repeat(2.5, 10), .. Enumerable.Range(0, 50).Select(i => -1 + 0.07 * i), 30, -12];
        double[,] a = TestSpectra.WithSpectrum(spectrum, seed: 11);
        double[] values = SymmetricEigen.Eigenvalues(a);
        double[] sorted = [.. spectrum.Order()];
        for (int i = 0; i < sorted.Length; i++) Assert.That(values[i], Is.EqualTo(sorted[i]).Within(1e-12 * 30));
    }

    [Test]
    public void SpanOverload_IsBitwiseIdenticalToArrayOverload()
    {
        int n = 37;
        double[,] a = RandomSymmetric(n, 8);
        var flat = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) flat[i * n + j] = a[i, j];
        var values = new double[n];
        var vectors = new double[n * n];
        SymmetricEigen.Decompose(flat, n, values, vectors);
        SymmetricEigenDecomposition reference = SymmetricEigen.Decompose(a);
        Assert.That(values, Is.EqualTo(reference.Values));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) Assert.That(vectors[i * n + j], Is.EqualTo(reference.Vectors![i, j]));
        Assert.That(SymmetricEigen.Eigenvalues(flat, n), Is.EqualTo(values));
    }

    [Test]
    public void Decompose_DiagonalAndTridiagonalInputs()
    {
        var diagonal = new double[5, 5];
        double[] entries = [3, -1, 0, 7, 2];
        for (int i = 0; i < 5; i++) diagonal[i, i] = entries[i];
        Assert.That(SymmetricEigen.Eigenvalues(diagonal), Is.EqualTo(entries.Order().ToArray()));

        var laplacian = new double[30, 30];
        for (int i = 0; i < 30; i++) { laplacian[i, i] = 2; if (i > 0) laplacian[i, i - 1] = laplacian[i - 1, i] = -1; }
        double[] values = SymmetricEigen.Eigenvalues(laplacian);
        for (int k = 1; k <= 30; k++) Assert.That(values[k - 1], Is.EqualTo(2 - 2 * Math.Cos(k * Math.PI / 31)).Within(1e-14 * 8));
    }

    [Test]
    public void Decompose_RejectsBadInput()
    {
        Assert.That(() => SymmetricEigen.Eigenvalues(new double[2, 3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
        Assert.That(() => SymmetricEigen.Eigenvalues(new double[0, 0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
        Assert.That(() => SymmetricEigen.Eigenvalues(new double[,] { { 1, 2 }, { 2.1, 1 } }),
            Throws.ArgumentException.With.Message.Contains("not symmetric"));
        Assert.That(() => SymmetricEigen.Eigenvalues(new double[,] { { 1, double.NaN }, { double.NaN, 1 } }),
            Throws.ArgumentException.With.Message.Contains("NaN"));
        Assert.That(() => SymmetricEigen.Eigenvalues(new double[5], 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
        Assert.That(() => SymmetricEigen.Decompose(new double[4], 2, new double[3], Span<double>.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("eigenvalues"));
    }
}
