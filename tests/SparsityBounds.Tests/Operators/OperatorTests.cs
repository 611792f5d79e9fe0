using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Operators;

public class DiagonalOperatorTests
{
    [Test]
    public void Apply_MatchesDense()
    {
        double[] d = [3, -1, 0, 2.5, 1e-3, -7, 4, 4, 9];
        OperatorTestData.AssertMatchesDense(new DiagonalOperator(d), Matrix<double>.Build.DiagonalOfDiagonalArray(d), 1e-15);
    }

    [Test]
    public void Constructor_RejectsEmptyAndNonFinite()
    {
        Assert.That(() => new DiagonalOperator([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("diagonal"));
        Assert.That(() => new DiagonalOperator([1, double.NaN]), Throws.ArgumentException.With.Message.Contains("diagonal[1]"));
    }
}

public class LowRankPlusDiagonalOperatorTests
{
    [Test]
    public void Apply_MatchesDense()
    {
        const int n = 37;
        double[] d = OperatorTestData.Gaussian(n, 1);
        double[][] u = [OperatorTestData.Gaussian(n, 2), OperatorTestData.Gaussian(n, 3), OperatorTestData.Gaussian(n, 4)];
        double[] s = [5.0, -2.0, 0.5];
        var dense = Matrix<double>.Build.DiagonalOfDiagonalArray(d);
        for (int k = 0; k < u.Length; k++)
        {
            var v = Vector<double>.Build.DenseOfArray(u[k]);
            dense += s[k] * v.OuterProduct(v);
        }
        var op = new LowRankPlusDiagonalOperator(d, u, s);
        Assert.That(op.Rank, Is.EqualTo(3));
        OperatorTestData.AssertMatchesDense(op, dense, 1e-13);
    }

    [Test]
    public void Constructor_RejectsMismatches()
    {
        Assert.That(() => new LowRankPlusDiagonalOperator([1, 2], [[1, 2, 3]], [1.0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("factors[0]"));
        Assert.That(() => new LowRankPlusDiagonalOperator([1, 2], [[1, 2]], [1.0, 2.0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("scales"));
        Assert.That(() => new LowRankPlusDiagonalOperator([1, 2], [[1, double.PositiveInfinity]], [1.0]), Throws.ArgumentException);
    }
}

public class DelegateOperatorTests
{
    [Test]
    public void Apply_CallsTheCallback_AfterValidating()
    {
        int calls = 0;
        var op = new DelegateOperator(3, (x, y) => { calls++; for (int i = 0; i < 3; i++) y[i] = 2 * x[i]; });
        double[] y = new double[3];
        op.Apply([1, 2, 3], y);
        Assert.That(y, Is.EqualTo(new[] { 2.0, 4.0, 6.0 }));
        Assert.That(() => op.Apply(new double[2], y), Throws.ArgumentException);
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(() => new DelegateOperator(0, (x, y) => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void SymmetryDefect_FlagsANonSymmetricCallback()
    {
        var symmetric = new DelegateOperator(2, (x, y) => { y[0] = 2 * x[0] + x[1]; y[1] = x[0] + 3 * x[1]; });
        var skewed = new DelegateOperator(2, (x, y) => { y[0] = 2 * x[0] + x[1]; y[1] = 3 * x[1]; });
        Assert.That(symmetric.SymmetryDefect(), Is.LessThan(1e-15));
        Assert.That(skewed.SymmetryDefect(), Is.GreaterThan(1e-3));
    }
}

public class FiniteDifferenceHessianTests
{
    [Test]
    public void Quadratic_RecoversItsHessian()
    {
        const int n = 20;
        var a = OperatorTestData.RandomSymmetric(n, 6);
        var dense = Matrix<double>.Build.DenseOfArray(a);
        double[] b = OperatorTestData.Gaussian(n, 7);
        // f(w) = ½ wᵀAw + bᵀw, ∇f = A w + b, H = A exactly.
        void Gradient(ReadOnlySpan<double> w, Span<double> g)
        {
            var r = dense * Vector<double>.Build.DenseOfArray(w.ToArray());
            for (int i = 0; i < n; i++) g[i] = r[i] + b[i];
        }
        var h = new FiniteDifferenceHessian(Gradient, OperatorTestData.Gaussian(n, 8));
        double error = RelativeError(h, dense);
        TestContext.Out.WriteLine($"quadratic: max relative error {error:E2}");
        Assert.That(error, Is.LessThan(1e-9));
        Assert.That(h.GradientEvaluations, Is.EqualTo(6));
    }

    [Test]
    public void SmoothFunction_MatchesClosedFormHessian()
    {
        // f(w) = Σ log cosh(w_i) + ½ (Σ w_i)²: H = diag(sech²(w)) + 1 1ᵀ.
        const int n = 15;
        double[] w0 = OperatorTestData.Gaussian(n, 9);
        void Gradient(ReadOnlySpan<double> w, Span<double> g)
        {
            double s = 0; foreach (double v in w) s += v;
            for (int i = 0; i < w.Length; i++) g[i] = Math.Tanh(w[i]) + s;
        }
        var dense = Matrix<double>.Build.Dense(n, n, 1.0);
        for (int i = 0; i < n; i++) dense[i, i] += 1 / (Math.Cosh(w0[i]) * Math.Cosh(w0[i]));
        double error = RelativeError(new FiniteDifferenceHessian(Gradient, w0), dense);
        TestContext.Out.WriteLine($"log-cosh: max relative error {error:E2}");
        Assert.That(error, Is.LessThan(1e-8));
    }

    [Test]
    public void Constructor_RejectsBadInput()
    {
        Assert.That(() => new FiniteDifferenceHessian(null!, [1.0]), Throws.ArgumentNullException);
        Assert.That(() => new FiniteDifferenceHessian((w, g) => { }, []), Throws.ArgumentException);
        Assert.That(() => new FiniteDifferenceHessian((w, g) => { }, [double.NaN]), Throws.ArgumentException.With.Property("ParamName").EqualTo("point"));
        Assert.That(() => new FiniteDifferenceHessian((w, g) => { }, [1.0], step: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("step"));
    }

    private static double RelativeError(ISymmetricOperator op, Matrix<double> dense)
    {
        double worst = 0;
        for (int t = 0; t < 3; t++)
        {
            double[] x = OperatorTestData.Gaussian(op.Dimension, 50 + t);
            double[] y = new double[op.Dimension];
            op.Apply(x, y);
            var expected = dense * Vector<double>.Build.DenseOfArray(x);
            worst = Math.Max(worst, (Vector<double>.Build.DenseOfArray(y) - expected).L2Norm() / expected.L2Norm());
        }
        return worst;
    }
}

public class SymmetricOperatorAlgebraTests
{
    private const int N = 23;
    private static readonly double[,] A = OperatorTestData.RandomSymmetric(N, 11);
    private static readonly double[,] B = OperatorTestData.RandomSymmetric(N, 12);
    private static Matrix<double> DenseA => Matrix<double>.Build.DenseOfArray(A);
    private static Matrix<double> DenseB => Matrix<double>.Build.DenseOfArray(B);

    [Test]
    public void Scale_Shift_Add_MatchDenseAlgebra()
    {
        var a = new DenseSymmetricOperator(A);
        var b = new DenseSymmetricOperator(B);
        OperatorTestData.AssertMatchesDense(a.Scale(-2.5), -2.5 * DenseA, 1e-13);
        OperatorTestData.AssertMatchesDense(a.Shift(0.75), DenseA + 0.75 * Matrix<double>.Build.DenseIdentity(N), 1e-13);
        OperatorTestData.AssertMatchesDense(a.Add(b), DenseA + DenseB, 1e-13);
        OperatorTestData.AssertMatchesDense(a.Scale(2).Shift(-1).Add(b.Scale(0.5)), 2 * DenseA - Matrix<double>.Build.DenseIdentity(N) + 0.5 * DenseB, 1e-13);
    }

    [Test]
    public void Restrict_IsPAP()
    {
        bool[] mask = Enumerable.Range(0, N).Select(i => i % 3 != 1).ToArray();
        var p = Matrix<double>.Build.DiagonalOfDiagonalArray(mask.Select(m => m ? 1.0 : 0.0).ToArray());
        OperatorTestData.AssertMatchesDense(new DenseSymmetricOperator(A).Restrict(mask), p * DenseA * p, 1e-13);
    }

    [Test]
    public void ToDenseMatrix_AndCounting()
    {
        var counted = new DenseSymmetricOperator(A).Counting();
        var dense = counted.ToDenseMatrix();
        Assert.That(counted.Applications, Is.EqualTo(N));
        Assert.That((Matrix<double>.Build.DenseOfArray(dense) - DenseA).InfinityNorm(), Is.LessThan(1e-13));
    }

    [Test]
    public void Algebra_RejectsBadInput()
    {
        var a = new DenseSymmetricOperator(A);
        Assert.Multiple(() =>
        {
            Assert.That(() => a.Scale(double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("factor"));
            Assert.That(() => a.Shift(double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("shift"));
            Assert.That(() => a.Add(new DiagonalOperator([1.0])), Throws.ArgumentException.With.Property("ParamName").EqualTo("second"));
            Assert.That(() => a.Restrict(new bool[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("mask"));
        });
    }
}
