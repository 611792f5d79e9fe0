using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

public class SymmetricBlockKernelsTests
{
    private static double[] Values(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }

    [Test]
    public void OffDiagonal_MatchesScalarTwin([Values(4, 8, 12, 128)] int rows, [Values(4, 16, 124)] int columns)
    {
        double[] block = Values(rows * columns, 1);
        double[] xI = Values(rows, 2), xJ = Values(columns, 3);
        double[] yI = Values(rows, 4), yJ = Values(columns, 5);
        double[] yIRef = (double[])yI.Clone(), yJRef = (double[])yJ.Clone();
        SymmetricBlockKernels.OffDiagonal<double, DoubleEntries>(ref block[0], rows, columns, ref xI[0], ref xJ[0], ref yI[0], ref yJ[0]);
        SymmetricBlockKernels.Reference.OffDiagonal<double, DoubleEntries>(block, rows, columns, xI, xJ, yIRef, yJRef);
        Assert.That(yI, Is.EqualTo(yIRef).Within(1e-13));
        Assert.That(yJ, Is.EqualTo(yJRef).Within(1e-13));
    }

    [Test]
    public void Diagonal_ReadsOnlyTheUpperTilesAndTheDiagonalTile([Values(4, 8, 20, 128)] int size)
    {
        // A symmetric block in tile order; then poison every entry strictly below the diagonal tiles: the result must not change.
        var rng = new Random(size);
        var full = new double[size, size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j <= i; j++) full[i, j] = full[j, i] = rng.NextDouble() - 0.5;
        double[] block = new double[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++) block[SymmetricBlockKernels.TileIndex(i, j, size)] = full[i, j];
        double[] x = Values(size, 7), yRef = Values(size, 8), y = (double[])yRef.Clone();
        SymmetricBlockKernels.Reference.Diagonal<double, DoubleEntries>(block, size, x, yRef);
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                if (i / 4 > j / 4) block[SymmetricBlockKernels.TileIndex(i, j, size)] = double.NaN;
        SymmetricBlockKernels.Diagonal<double, DoubleEntries>(ref block[0], size, ref x[0], ref y[0]);
        Assert.That(y, Is.EqualTo(yRef).Within(1e-13));
    }

    [Test]
    public void PairKernels_EqualTwoSingleVectorCalls_Bitwise([Values(4, 12)] int rows, [Values(4, 20)] int columns)
    {
        double[] block = Values(rows * columns, 11), diagonal = Values(rows * rows, 12);
        const int second = 64;
        double[] x = Values(2 * second, 13), y = Values(2 * second, 14);
        double[] yRef = (double[])y.Clone();
        // Pair call: x_I at 0, x_J at 32 (second vector at +64).
        SymmetricBlockKernels.OffDiagonal2<double, DoubleEntries>(ref block[0], rows, columns, ref x[0], ref x[32], ref y[0], ref y[32], second);
        SymmetricBlockKernels.Diagonal2<double, DoubleEntries>(ref diagonal[0], rows, ref x[0], ref y[0], second);
        foreach (int offset in new[] { 0, second })
        {
            SymmetricBlockKernels.OffDiagonal<double, DoubleEntries>(ref block[0], rows, columns, ref x[offset], ref x[offset + 32], ref yRef[offset], ref yRef[offset + 32]);
            SymmetricBlockKernels.Diagonal<double, DoubleEntries>(ref diagonal[0], rows, ref x[offset], ref yRef[offset]);
        }
        Assert.That(y, Is.EqualTo(yRef));
    }

    [Test]
    public void SingleEntries_WidenExactly([Values(4, 12)] int rows)
    {
        const int columns = 8;
        float[] block = Values(rows * columns, 9).Select(v => (float)v).ToArray();
        double[] widened = block.Select(v => (double)v).ToArray();
        double[] xI = Values(rows, 2), xJ = Values(columns, 3);
        double[] yI = new double[rows], yJ = new double[columns], yI2 = new double[rows], yJ2 = new double[columns];
        SymmetricBlockKernels.OffDiagonal<float, SingleEntries>(ref block[0], rows, columns, ref xI[0], ref xJ[0], ref yI[0], ref yJ[0]);
        SymmetricBlockKernels.OffDiagonal<double, DoubleEntries>(ref widened[0], rows, columns, ref xI[0], ref xJ[0], ref yI2[0], ref yJ2[0]);
        // Same instruction sequence on exactly widened entries: bitwise equal.
        Assert.That(yI, Is.EqualTo(yI2));
        Assert.That(yJ, Is.EqualTo(yJ2));
    }
}

public class MatrixKernelsTransposeTests
{
    [Test]
    public void Transpose_MatchesDefinition([Values(1, 3, 8, 9, 17)] int m, [Values(1, 7, 8, 16, 21)] int n)
    {
        var rng = new Random(m * 31 + n);
        double[] source = Enumerable.Range(0, m * n).Select(_ => rng.NextDouble()).ToArray();
        double[] destination = new double[m * n];
        MatrixKernels.Transpose(m, n, source, destination);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) Assert.That(destination[j * m + i], Is.EqualTo(source[i * n + j]));
    }

    [Test]
    public void MultiplyAdd_OnTheTranspose_IsBitwiseEqualTo_MultiplyAddTransposedB()
    {
        const int m = 37, n = 21, k = 300;
        var rng = new Random(5);
        double[] a = Enumerable.Range(0, m * k).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] w = Enumerable.Range(0, n * k).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] wt = new double[k * n], c1 = new double[m * n], c2 = new double[m * n];
        MatrixKernels.Transpose(n, k, w, wt);
        MatrixKernels.MultiplyAddTransposedB(m, n, k, a, k, w, k, c1, n);
        MatrixKernels.MultiplyAdd(m, n, k, a, k, wt, n, c2, n);
        Assert.That(c2, Is.EqualTo(c1));
    }

    [Test]
    public void Transpose_RejectsShortOrOverlappingSpans()
    {
        double[] buffer = new double[12];
        Assert.That(() => MatrixKernels.Transpose(3, 4, buffer, new double[11]), Throws.ArgumentException);
        Assert.That(() => MatrixKernels.Transpose(3, 4, buffer, buffer), Throws.ArgumentException);
    }
}
