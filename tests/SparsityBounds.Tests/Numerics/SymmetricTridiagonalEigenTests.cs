using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Numerics;

[TestFixture]
public sealed class SymmetricTridiagonalEigenTests
{
    private static (double[] D, double[] E) RandomTridiagonal(int n, int seed)
    {
        var random = new Random(seed);
        var d = new double[n];
        var e = new double[Math.Max(0, n - 1)];
        for (int i = 0; i < n; i++) d[i] = 2 * random.NextDouble() - 1;
        for (int i = 0; i < e.Length; i++) e[i] = 2 * random.NextDouble() - 1;
        return (d, e);
    }

    private static Matrix<double> Dense(double[] d, double[] e)
    {
        int n = d.Length;
        var t = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++) t[i, i] = d[i];
        for (int i = 0; i < n - 1; i++) { t[i, i + 1] = e[i]; t[i + 1, i] = e[i]; }
        return t;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    [TestCase(50)]
    [TestCase(300)]
    public void Eigenvalues_MatchClosedForm_ForDiscreteLaplacian(int n)
    {
        // tridiag(−1, 2, −1) has eigenvalues 2 − 2 cos(kπ/(n+1)), k = 1..n.
        var d = Enumerable.Repeat(2.0, n).ToArray();
        var e = Enumerable.Repeat(-1.0, Math.Max(0, n - 1)).ToArray();
        var values = new double[n];
        SymmetricTridiagonalEigen.Eigenvalues(d, e, values);
        for (int k = 1; k <= n; k++)
            Assert.That(values[k - 1], Is.EqualTo(2 - 2 * Math.Cos(k * Math.PI / (n + 1))).Within(1e-14 * 4));
    }

    [TestCase(2, 1)]
    [TestCase(3, 2)]
    [TestCase(17, 3)]
    [TestCase(120, 4)]
    public void Decompose_MatchesMathNet_ValuesAndVectors(int n, int seed)
    {
        var (d, e) = RandomTridiagonal(n, seed);
        Matrix<double> t = Dense(d, e);
        double[] expected = t.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderBy(x => x).ToArray();

        var values = (double[])d.Clone();
        var scratch = (double[])e.Clone();
        var rows = new double[n * n];
        for (int i = 0; i < n; i++) rows[i * n + i] = 1.0; // V₀ = I: rows become the eigenvectors of T
        SymmetricTridiagonalEigen.Decompose(values, scratch, rows, n);

        double norm = t.L2Norm();
        for (int i = 0; i < n; i++) Assert.That(values[i], Is.EqualTo(expected[i]).Within(1e-13 * norm), $"eigenvalue {i}");
        for (int j = 0; j < n; j++)
        {
            var s = Vector<double>.Build.DenseOfArray(rows.AsSpan(j * n, n).ToArray());
            Assert.That((t * s - values[j] * s).InfinityNorm(), Is.LessThan(1e-13 * norm * n), $"residual of pair {j}");
            Assert.That(s.L2Norm(), Is.EqualTo(1.0).Within(1e-13));
            for (int k = 0; k < j; k++)
            {
                var other = Vector<double>.Build.DenseOfArray(rows.AsSpan(k * n, n).ToArray());
                Assert.That(Math.Abs(s.DotProduct(other)), Is.LessThan(1e-13 * n));
            }
        }
        Assert.That(values, Is.Ordered.Ascending);
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(12)]
    public void GaussQuadrature_IsExactForPolynomialsUpToDegree2nMinus1(int n)
    {
        // Golub–Welsch: Σ τ_j θ_j^p = (T^p)_{00} for p ≤ 2n − 1.
        var (d, e) = RandomTridiagonal(n, 10 + n);
        for (int i = 0; i < e.Length; i++) e[i] = 0.2 + Math.Abs(e[i]); // unreduced Jacobi matrix
        Matrix<double> t = Dense(d, e);
        var nodes = new double[n];
        var weights = new double[n];
        SymmetricTridiagonalEigen.GaussQuadrature(d, e, nodes, weights);
        Assert.That(weights.Sum(), Is.EqualTo(1.0).Within(1e-14 * n));
        Assert.That(weights, Has.All.GreaterThanOrEqualTo(0.0));
        Matrix<double> power = Matrix<double>.Build.DenseIdentity(n);
        for (int p = 0; p <= 2 * n - 1; p++)
        {
            double quadrature = 0;
            for (int j = 0; j < n; j++) quadrature += weights[j] * Math.Pow(nodes[j], p);
            Assert.That(quadrature, Is.EqualTo(power[0, 0]).Within(1e-12 * Math.Max(1, Math.Abs(power[0, 0]))), $"degree {p}");
            power *= t;
        }
    }

    [Test]
    public void GaussQuadrature_WeightsAreSquaredFirstComponents_FromMathNet()
    {
        var (d, e) = RandomTridiagonal(40, 99);
        var evd = Dense(d, e).Evd(Symmetricity.Symmetric);
        var order = evd.EigenValues.Select((c, i) => (c.Real, i)).OrderBy(p => p.Real).Select(p => p.i).ToArray();
        var nodes = new double[40];
        var weights = new double[40];
        SymmetricTridiagonalEigen.GaussQuadrature(d, e, nodes, weights);
        for (int j = 0; j < 40; j++)
            Assert.That(weights[j], Is.EqualTo(Math.Pow(evd.EigenVectors[0, order[j]], 2)).Within(1e-13));
    }

    [Test]
    public void Decompose_HandlesZeroBlocksTinyCouplingsAndGradedEntries()
    {
        double[] d = [0, 0, 0, 1, 1, 1e-8, 1e-16, 5, 0, -3];
        double[] e = [1e-30, 0, 1e-300, 1, 1e-9, 1e-12, 0, 2, 1e-20];
        double[] expected = Dense(d, e).Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderBy(x => x).ToArray();
        var values = new double[d.Length];
        SymmetricTridiagonalEigen.Eigenvalues(d, e, values);
        for (int i = 0; i < d.Length; i++) Assert.That(values[i], Is.EqualTo(expected[i]).Within(1e-14 * 6));
    }

    [Test]
    public void Decompose_HandlesRepeatedEigenvalues()
    {
        // Block diagonal with identical 2×2 blocks: every eigenvalue has multiplicity 3.
        double[] d = [1, 2, 1, 2, 1, 2];
        double[] e = [0.5, 0, 0.5, 0, 0.5];
        var values = new double[6];
        SymmetricTridiagonalEigen.Eigenvalues(d, e, values);
        double low = 1.5 - Math.Sqrt(0.5), high = 1.5 + Math.Sqrt(0.5);
        Assert.That(values, Is.EqualTo(new[] { low, low, low, high, high, high }).Within(1e-14 * 4));
    }

    [Test]
    public void Decompose_RejectsNonFiniteEntries()
    {
        var ex = Assert.Throws<ArgumentException>(() => SymmetricTridiagonalEigen.Decompose(new[] { 1.0, double.NaN }, new[] { 1.0 }, Span<double>.Empty, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("diagonal"));
        ex = Assert.Throws<ArgumentException>(() => SymmetricTridiagonalEigen.Decompose(new[] { 1.0, 2.0 }, new[] { double.PositiveInfinity }, Span<double>.Empty, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("offDiagonal"));
    }

    [Test]
    public void BatchedRotations_AreBitwiseIdenticalToImmediateOnes()
    {
        // Rows of 700 columns (≥ 512) take the batched path: rotations recorded, then applied by column slabs (serially
        // through the span overload, in parallel through the array overload). Rows of 300 columns rotate immediately.
        // Each entry sees the same operations in the same order, so the shared columns must agree bitwise.
        const int n = 700, narrow = 300;
        var random = new Random(12);
        double[] d0 = [.. Enumerable.Range(0, n).Select(_ => 2 * random.NextDouble() - 1)];
        double[] e0 = [.. Enumerable.Range(0, n - 1).Select(_ => random.NextDouble())];
        double[] Identity(int width)
        {
            var v = new double[n * width];
            for (int i = 0; i < Math.Min(n, width); i++) v[i * width + i] = 1.0;
            return v;
        }
        double[] dSpan = (double[])d0.Clone(), vSpan = Identity(n);
        SymmetricTridiagonalEigen.Decompose(dSpan, (double[])e0.Clone(), vSpan.AsSpan(), n);
        double[] dArray = (double[])d0.Clone(), vArray = Identity(n);
        SymmetricTridiagonalEigen.Decompose(dArray, (double[])e0.Clone(), vArray, n);
        double[] dNarrow = (double[])d0.Clone(), vNarrow = Identity(narrow);
        SymmetricTridiagonalEigen.Decompose(dNarrow, (double[])e0.Clone(), vNarrow.AsSpan(), narrow);

        Assert.That(dArray, Is.EqualTo(dSpan));
        Assert.That(dNarrow, Is.EqualTo(dSpan));
        Assert.That(vArray, Is.EqualTo(vSpan), "parallel slabs = serial slabs");
        for (int row = 0; row < n; row++)
            for (int column = 0; column < narrow; column++)
                Assert.That(BitConverter.DoubleToInt64Bits(vSpan[row * n + column]), Is.EqualTo(BitConverter.DoubleToInt64Bits(vNarrow[row * narrow + column])),
                    $"row {row}, column {column}");
        // And they are eigenvectors: T s_j = θ_j s_j for the rows of the full-width result.
        for (int j = 0; j < n; j += 97)
        {
            for (int i = 0; i < n; i++)
            {
                double ts = d0[i] * vSpan[j * n + i] + (i > 0 ? e0[i - 1] * vSpan[j * n + i - 1] : 0) + (i < n - 1 ? e0[i] * vSpan[j * n + i + 1] : 0);
                Assert.That(ts, Is.EqualTo(dSpan[j] * vSpan[j * n + i]).Within(1e-12), $"eigenpair {j}, row {i}");
            }
        }
    }
}
