using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Operators;

public class DenseSymmetricOperatorTests
{
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(64)]
    [TestCase(131)]
    [TestCase(600)] // above the parallel threshold
    public void Apply_MatchesMathNet(int n)
    {
        var a = OperatorTestData.RandomSymmetric(n, seed: n);
        OperatorTestData.AssertMatchesDense(new DenseSymmetricOperator(a), Matrix<double>.Build.DenseOfArray(a), 1e-13 * Math.Sqrt(n));
    }

    [TestCase(600)]
    [TestCase(1023)]
    public void Apply_IsBitwiseIdentical_ForAnyThreadCount(int n)
    {
        var a = OperatorTestData.RandomSymmetric(n, seed: 4);
        double[] x = OperatorTestData.Gaussian(n, 5);
        double[] one = new double[n], all = new double[n], again = new double[n];
        new DenseSymmetricOperator(a, maxDegreeOfParallelism: 1).Apply(x, one);
        var parallel = new DenseSymmetricOperator(a);
        parallel.Apply(x, all);
        parallel.Apply(x, again);
        Assert.That(all, Is.EqualTo(one).Using<double>((p, q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q)));
        Assert.That(again, Is.EqualTo(all).Using<double>((p, q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q)));
    }

    [Test]
    public void Constructor_CopiesTheMatrix()
    {
        var a = OperatorTestData.RandomSymmetric(5, 1);
        var op = new DenseSymmetricOperator(a);
        double before = op[1, 2];
        a[1, 2] = a[2, 1] = 1000;
        Assert.That(op[1, 2], Is.EqualTo(before));
        Assert.That(op.ToArray()[2, 1], Is.EqualTo(before));
    }

    [Test]
    public void Constructor_AcceptsRoundingAsymmetry_RejectsRealAsymmetry()
    {
        var a = OperatorTestData.RandomSymmetric(4, 2);
        a[0, 3] += 1e-15;
        Assert.That(() => new DenseSymmetricOperator(a), Throws.Nothing);
        a[0, 3] += 1e-6;
        Assert.That(() => new DenseSymmetricOperator(a), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix")
            .And.Message.Contains("[0, 3]"));
    }

    [Test]
    public void Constructor_RejectsBadMatrices()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new DenseSymmetricOperator(null!), Throws.ArgumentNullException);
            Assert.That(() => new DenseSymmetricOperator(new double[2, 3]), Throws.ArgumentException.With.Message.Contains("square"));
            Assert.That(() => new DenseSymmetricOperator(new double[0, 0]), Throws.ArgumentException.With.Message.Contains("empty"));
            var nan = new double[2, 2]; nan[1, 1] = double.NaN;
            Assert.That(() => new DenseSymmetricOperator(nan), Throws.ArgumentException.With.Message.Contains("NaN"));
            var inf = new double[2, 2]; inf[0, 1] = inf[1, 0] = double.PositiveInfinity;
            Assert.That(() => new DenseSymmetricOperator(inf), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
            Assert.That(() => new DenseSymmetricOperator(new double[2, 2], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Apply_RejectsWrongLengthsAndOverlap_WithoutWriting()
    {
        var op = new DenseSymmetricOperator(OperatorTestData.RandomSymmetric(4, 3));
        double[] y = [7, 7, 7, 7];
        Assert.That(() => op.Apply(new double[3], y), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
        Assert.That(() => op.Apply(new double[4], new double[5]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
        double[] shared = new double[8];
        Assert.That(() => op.Apply(shared.AsSpan(0, 4), shared.AsSpan(2, 4)), Throws.ArgumentException);
        Assert.That(y, Is.All.EqualTo(7.0));
    }
}
