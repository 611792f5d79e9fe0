using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Operators;

// The packed upper-block-triangle storage: sizes around the tile (4) and block (128) edges, single storage, allocation.
public class DenseSymmetricOperatorPackedTests
{
    private static bool SameBits(double p, double q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q);

    [Test]
    public void Apply_MatchesNaiveProduct_AtTileAndBlockEdges([Values(2, 4, 5, 127, 128, 129, 255, 257, 383)] int n)
    {
        var a = OperatorTestData.RandomSymmetric(n, seed: n + 11);
        double[] x = OperatorTestData.Gaussian(n, 3);
        double[] expected = new double[n], actual = new double[n];
        double scale = 0;
        for (int i = 0; i < n; i++)
        {
            double s = 0, magnitude = 0;
            for (int j = 0; j < n; j++) { s += a[i, j] * x[j]; magnitude += Math.Abs(a[i, j] * x[j]); }
            expected[i] = s;
            scale = Math.Max(scale, magnitude);
        }
        new DenseSymmetricOperator(a).Apply(x, actual);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-14 * scale));
    }

    [Test]
    public void Indexer_AndToArray_ReturnEveryEntry_BothTriangles([Values(3, 130, 260)] int n)
    {
        var a = OperatorTestData.RandomSymmetric(n, seed: 5);
        var op = new DenseSymmetricOperator(a);
        double[,] copy = op.ToArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                Assert.That(op[i, j], Is.EqualTo(a[i, j]), $"[{i}, {j}]");
                Assert.That(copy[i, j], Is.EqualTo(a[i, j]), $"copy [{i}, {j}]");
            }
    }

    [Test]
    public void Apply_IsBitwiseIdentical_ForAnyThreadCount_BothStorages([Values] DenseStorage storage)
    {
        const int n = 1500; // 12 block rows, 8 parts
        var a = OperatorTestData.RandomSymmetric(n, seed: 8);
        double[] x = OperatorTestData.Gaussian(n, 9);
        double[] one = new double[n], two = new double[n], all = new double[n];
        DenseSymmetricOperator.Create(a, storage, maxDegreeOfParallelism: 1).Apply(x, one);
        DenseSymmetricOperator.Create(a, storage, maxDegreeOfParallelism: 2).Apply(x, two);
        var shared = DenseSymmetricOperator.Create(a, storage);
        shared.Apply(x, all);
        Assert.That(two, Is.EqualTo(one).Using<double>(SameBits));
        Assert.That(all, Is.EqualTo(one).Using<double>(SameBits));
    }

    [Test]
    public void SingleStorage_EqualsTheFloatRoundedMatrix_AndMeetsItsDocumentedBound()
    {
        const int n = 300;
        var a = OperatorTestData.RandomSymmetric(n, seed: 21);
        var op = DenseSymmetricOperator.Create(a, DenseStorage.Single);
        Assert.That(op.Storage, Is.EqualTo(DenseStorage.Single));
        Assert.That(op.StoredBytes, Is.LessThan(new DenseSymmetricOperator(a).StoredBytes / 2 + 1));
        double[,] rounded = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) rounded[i, j] = (float)a[i, j];
        Assert.That(op.ToArray(), Is.EqualTo(rounded));
        Assert.That(op[17, 250], Is.EqualTo((double)(float)a[17, 250]));

        double[] x = OperatorTestData.Gaussian(n, 22);
        double[] actual = new double[n];
        op.Apply(x, actual);
        var exact = Matrix<double>.Build.DenseOfArray(a) * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x);
        var asFloat = Matrix<double>.Build.DenseOfArray(rounded) * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x);
        for (int i = 0; i < n; i++)
        {
            double bound = 0;
            for (int j = 0; j < n; j++) bound += Math.Abs(a[i, j] * x[j]);
            // Accumulated in double: equal to the product with the float-rounded matrix up to double rounding …
            Assert.That(actual[i], Is.EqualTo(asFloat[i]).Within(1e-14 * bound), $"row {i} vs float-rounded");
            // … and within the documented 2⁻²⁴ relative entry error of the exact product.
            Assert.That(Math.Abs(actual[i] - exact[i]), Is.LessThanOrEqualTo(Math.Pow(2, -24) * bound), $"row {i} vs exact");
        }
    }

    [Test]
    public void Apply_AllocatesNothing_AfterTheFirstCall([Values(100, 1500)] int n, [Values] DenseStorage storage)
    {
        var op = DenseSymmetricOperator.Create(OperatorTestData.RandomSymmetric(n, seed: 2), storage);
        double[] x = OperatorTestData.Gaussian(n, 1), y = new double[n];
        Assert.That(AllocationAssert.SteadyStateBytes(() => op.Apply(x, y)), Is.Zero);
    }

    [Test]
    public void Apply_FromSeveralThreadsAtOnce_GivesTheSequentialResult()
    {
        const int n = 700;
        var op = new DenseSymmetricOperator(OperatorTestData.RandomSymmetric(n, seed: 3));
        double[] x = OperatorTestData.Gaussian(n, 4), expected = new double[n];
        op.Apply(x, expected);
        var results = new double[4][];
        Parallel.For(0, 4, t =>
        {
            var y = new double[n];
            for (int k = 0; k < 10; k++) op.Apply(x, y);
            results[t] = y;
        });
        foreach (double[] y in results) Assert.That(y, Is.EqualTo(expected).Using<double>(SameBits));
    }

    [Test]
    public void ApplyMany_EqualsApply_Bitwise([Values(5, 130, 1500)] int n, [Values] DenseStorage storage, [Values(1, 2)] int threads)
    {
        var op = DenseSymmetricOperator.Create(OperatorTestData.RandomSymmetric(n, seed: n), storage, threads);
        foreach (int count in new[] { 0, 1, 2, 5 })
        {
            double[] xs = OperatorTestData.Gaussian(count * n, 40 + count), ys = new double[count * n], single = new double[n];
            op.ApplyMany(xs, ys, count);
            for (int j = 0; j < count; j++)
            {
                op.Apply(xs.AsSpan(j * n, n), single);
                Assert.That(ys.AsSpan(j * n, n).ToArray(), Is.EqualTo(single).Using<double>(SameBits), $"count {count}, vector {j}");
            }
        }
    }

    [Test]
    public void ApplyMany_AllocatesNothing_AfterTheFirstCall()
    {
        const int n = 1500, count = 4;
        var op = new DenseSymmetricOperator(OperatorTestData.RandomSymmetric(n, seed: 6));
        double[] xs = OperatorTestData.Gaussian(count * n, 7), ys = new double[count * n];
        // Steady state (minimum over rounds): a one-off allocation elsewhere in the process, such as the worker threads
        // starting on first parallel use, cannot fail it.
        Assert.That(AllocationAssert.SteadyStateBytes(() => op.ApplyMany(xs, ys, count), callsPerRound: 5), Is.Zero);
    }

    [Test]
    public void ApplyMany_RejectsBadArguments_WithoutWriting()
    {
        var op = new DenseSymmetricOperator(OperatorTestData.RandomSymmetric(4, 3));
        double[] ys = Enumerable.Repeat(7.0, 8).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(() => op.ApplyMany(new double[8], ys, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => op.ApplyMany(new double[7], ys, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("xs"));
            Assert.That(() => op.ApplyMany(new double[8], new double[4], 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("ys"));
        });
        Assert.That(ys, Is.All.EqualTo(7.0));
    }

    [Test]
    public void Create_RejectsBadArguments()
    {
        var a = OperatorTestData.RandomSymmetric(3, 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => DenseSymmetricOperator.Create(null!, DenseStorage.Single), Throws.ArgumentNullException);
            Assert.That(() => DenseSymmetricOperator.Create(a, (DenseStorage)7), Throws.InstanceOf<ArgumentOutOfRangeException>()
                .With.Property("ParamName").EqualTo("storage"));
            Assert.That(() => DenseSymmetricOperator.Create(a, DenseStorage.Double, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            var asymmetric = OperatorTestData.RandomSymmetric(3, 1);
            asymmetric[0, 2] += 1;
            Assert.That(() => DenseSymmetricOperator.Create(asymmetric, DenseStorage.Single), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
        });
    }
}
