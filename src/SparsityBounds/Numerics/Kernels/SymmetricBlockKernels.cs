using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>Reads stored matrix entries as doubles: the storage precision of a packed symmetric matrix.</summary>
internal interface IEntryReader<T> where T : unmanaged
{
    /// <summary>Entries p[offset..offset+3] widened to double.</summary>
    static abstract Vector256<double> Load4(ref T p, nint offset);

    /// <summary>Entry p[offset] as a double.</summary>
    static abstract double Load1(ref T p, nint offset);
}

/// <summary>Double storage: loads as they are.</summary>
internal readonly struct DoubleEntries : IEntryReader<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load4(ref double p, nint offset) => Vector256.LoadUnsafe(ref Unsafe.Add(ref p, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Load1(ref double p, nint offset) => Unsafe.Add(ref p, offset);
}

/// <summary>Single storage: four floats widened exactly to doubles by one instruction (vcvtps2pd).</summary>
internal readonly struct SingleEntries : IEntryReader<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load4(ref float p, nint offset)
    {
        var v = Vector128.LoadUnsafe(ref Unsafe.Add(ref p, offset));
        if (Avx.IsSupported) return Avx.ConvertToVector256Double(v);
        return Vector256.Create((double)v.GetElement(0), v.GetElement(1), v.GetElement(2), v.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Load1(ref float p, nint offset) => Unsafe.Add(ref p, offset);
}

/// <summary>
/// The block kernels of a symmetric matrix stored as its upper block triangle (<see cref="PackedSymmetricLayout"/>):
/// each stored entry is read once and contributes to both y_I += A_IJ x_J and y_J += A_IJᵀ x_I.
/// </summary>
/// <remarks>
/// <para>Inside a block the entries are stored by groups of four rows, and inside a group by 4 × 4 tiles in column
/// order, each tile row-major: a group is one contiguous stream of 16-entry tiles, so the hardware prefetcher sees a
/// single sequential stream (four separate row streams restarted every 4 KiB page ran at half the bandwidth).</para>
/// <para>For each tile the kernel accumulates the four row dot products in four Vector256 accumulators and updates
/// y_J[c..c+3] with the tile's rows times x_I (eight fused multiply-adds per sixteen entries). Row sums are reduced
/// with <see cref="Vector256.Sum{T}(Vector256{T})"/> at the end of the group. A diagonal block reads only its upper
/// part: the tile on the diagonal as plain dot products, the tiles right of it with the two-sided update.</para>
/// <para>Every operation is in a fixed order that depends only on the layout, so results are bitwise reproducible.
/// <see cref="Reference"/> is the scalar twin (same algebra, scalar order; equal to rounding).</para>
/// </remarks>
internal static class SymmetricBlockKernels
{
    /// <summary>Entries per tile (4 × 4).</summary>
    internal const int TileEntries = 16;

    /// <summary>
    /// Off-diagonal block (I, J) of <paramref name="rows"/> × <paramref name="columns"/> entries (multiples of 4) in tile
    /// order at <paramref name="block"/>: y_I += A x_J and y_J += Aᵀ x_I.
    /// </summary>
    internal static void OffDiagonal<T, TReader>(ref T block, int rows, int columns,
        ref double xI, ref double xJ, ref double yI, ref double yJ)
        where T : unmanaged where TReader : IEntryReader<T>
    {
        int tiles = columns / 4;
        for (int r = 0; r < rows; r += 4)
            RowGroup<T, TReader>(ref Unsafe.Add(ref block, (nint)r * columns), tiles,
                Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero,
                ref Unsafe.Add(ref xI, r), ref xJ, ref Unsafe.Add(ref yI, r), ref yJ);
    }

    /// <summary>
    /// Diagonal block (I, I) of size <paramref name="size"/> (a multiple of 4) in tile order, stored in full; reads its
    /// upper tiles only: y_I += A_II x_I.
    /// </summary>
    internal static void Diagonal<T, TReader>(ref T block, int size, ref double x, ref double y)
        where T : unmanaged where TReader : IEntryReader<T>
    {
        int tiles = size / 4;
        for (int g = 0; g < tiles; g++)
        {
            int r = 4 * g;
            ref T tile = ref Unsafe.Add(ref block, (nint)r * size + g * TileEntries);
            var xd = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, r));
            // The tile on the diagonal: plain row dot products (both of its triangles are read).
            var acc0 = TReader.Load4(ref tile, 0) * xd;
            var acc1 = TReader.Load4(ref tile, 4) * xd;
            var acc2 = TReader.Load4(ref tile, 8) * xd;
            var acc3 = TReader.Load4(ref tile, 12) * xd;
            RowGroup<T, TReader>(ref Unsafe.Add(ref tile, TileEntries), tiles - g - 1, acc0, acc1, acc2, acc3,
                ref Unsafe.Add(ref x, r), ref Unsafe.Add(ref x, r + 4), ref Unsafe.Add(ref y, r), ref Unsafe.Add(ref y, r + 4));
        }
    }

    // Rows x_I[0..3] against `tiles` tiles (columns x_J[0..4·tiles)): acc_k += A[k, c] x_J[c]; y_J[c] += Σ_k A[k, c] x_I[k];
    // then y_I[k] += Σ acc_k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowGroup<T, TReader>(ref T tile, int tiles,
        Vector256<double> acc0, Vector256<double> acc1, Vector256<double> acc2, Vector256<double> acc3,
        ref double xI, ref double xJ, ref double yI, ref double yJ)
        where T : unmanaged where TReader : IEntryReader<T>
    {
        var x0 = Vector256.Create(xI);
        var x1 = Vector256.Create(Unsafe.Add(ref xI, 1));
        var x2 = Vector256.Create(Unsafe.Add(ref xI, 2));
        var x3 = Vector256.Create(Unsafe.Add(ref xI, 3));
        nint at = 0;
        for (nint c = 0; c < 4 * (nint)tiles; c += 4, at += TileEntries)
        {
            var xv = Vector256.LoadUnsafe(ref Unsafe.Add(ref xJ, c));
            var a0 = TReader.Load4(ref tile, at);
            var a1 = TReader.Load4(ref tile, at + 4);
            var a2 = TReader.Load4(ref tile, at + 8);
            var a3 = TReader.Load4(ref tile, at + 12);
            acc0 = Vector256.FusedMultiplyAdd(a0, xv, acc0);
            acc1 = Vector256.FusedMultiplyAdd(a1, xv, acc1);
            acc2 = Vector256.FusedMultiplyAdd(a2, xv, acc2);
            acc3 = Vector256.FusedMultiplyAdd(a3, xv, acc3);
            ref double yc = ref Unsafe.Add(ref yJ, c);
            // Two independent chains, then one add: shorter latency than four dependent FMAs.
            var t01 = Vector256.FusedMultiplyAdd(a1, x1, Vector256.FusedMultiplyAdd(a0, x0, Vector256.LoadUnsafe(ref yc)));
            var t23 = Vector256.FusedMultiplyAdd(a3, x3, a2 * x2);
            (t01 + t23).StoreUnsafe(ref yc);
        }
        yI += Vector256.Sum(acc0);
        Unsafe.Add(ref yI, 1) += Vector256.Sum(acc1);
        Unsafe.Add(ref yI, 2) += Vector256.Sum(acc2);
        Unsafe.Add(ref yI, 3) += Vector256.Sum(acc3);
    }

    /// <summary>
    /// <see cref="OffDiagonal{T, TReader}"/> for two vectors at once: the second vector's x and y sit
    /// <paramref name="second"/> elements after the first's. Each stored entry is loaded once for both; every output
    /// element gets the same operation sequence as in the one-vector kernel (bitwise equal).
    /// </summary>
    internal static void OffDiagonal2<T, TReader>(ref T block, int rows, int columns,
        ref double xI, ref double xJ, ref double yI, ref double yJ, nint second)
        where T : unmanaged where TReader : IEntryReader<T>
    {
        int tiles = columns / 4;
        var zero = Vector256<double>.Zero;
        for (int r = 0; r < rows; r += 4)
            RowGroup2<T, TReader>(ref Unsafe.Add(ref block, (nint)r * columns), tiles, zero, zero, zero, zero, zero, zero, zero, zero,
                ref Unsafe.Add(ref xI, r), ref xJ, ref Unsafe.Add(ref yI, r), ref yJ, second);
    }

    /// <summary><see cref="Diagonal{T, TReader}"/> for two vectors at once (layout as <see cref="OffDiagonal2{T, TReader}"/>).</summary>
    internal static void Diagonal2<T, TReader>(ref T block, int size, ref double x, ref double y, nint second)
        where T : unmanaged where TReader : IEntryReader<T>
    {
        int tiles = size / 4;
        for (int g = 0; g < tiles; g++)
        {
            int r = 4 * g;
            ref T tile = ref Unsafe.Add(ref block, (nint)r * size + g * TileEntries);
            var xd = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, r));
            var xe = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, r + second));
            var a0 = TReader.Load4(ref tile, 0);
            var a1 = TReader.Load4(ref tile, 4);
            var a2 = TReader.Load4(ref tile, 8);
            var a3 = TReader.Load4(ref tile, 12);
            RowGroup2<T, TReader>(ref Unsafe.Add(ref tile, TileEntries), tiles - g - 1,
                a0 * xd, a1 * xd, a2 * xd, a3 * xd, a0 * xe, a1 * xe, a2 * xe, a3 * xe,
                ref Unsafe.Add(ref x, r), ref Unsafe.Add(ref x, r + 4), ref Unsafe.Add(ref y, r), ref Unsafe.Add(ref y, r + 4), second);
        }
    }

    // RowGroup for two vectors (u: first, w: second at +second): 8 accumulators, 8 broadcasts. Needs more than 16 vector
    // registers to avoid spills; AVX-512 machines have 32 (the JIT uses them for Vector256 too).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowGroup2<T, TReader>(ref T tile, int tiles,
        Vector256<double> u0, Vector256<double> u1, Vector256<double> u2, Vector256<double> u3,
        Vector256<double> w0, Vector256<double> w1, Vector256<double> w2, Vector256<double> w3,
        ref double xI, ref double xJ, ref double yI, ref double yJ, nint second)
        where T : unmanaged where TReader : IEntryReader<T>
    {
        var x0 = Vector256.Create(xI);
        var x1 = Vector256.Create(Unsafe.Add(ref xI, 1));
        var x2 = Vector256.Create(Unsafe.Add(ref xI, 2));
        var x3 = Vector256.Create(Unsafe.Add(ref xI, 3));
        var z0 = Vector256.Create(Unsafe.Add(ref xI, second));
        var z1 = Vector256.Create(Unsafe.Add(ref xI, second + 1));
        var z2 = Vector256.Create(Unsafe.Add(ref xI, second + 2));
        var z3 = Vector256.Create(Unsafe.Add(ref xI, second + 3));
        nint at = 0;
        for (nint c = 0; c < 4 * (nint)tiles; c += 4, at += TileEntries)
        {
            var xv = Vector256.LoadUnsafe(ref Unsafe.Add(ref xJ, c));
            var xw = Vector256.LoadUnsafe(ref Unsafe.Add(ref xJ, c + second));
            var a0 = TReader.Load4(ref tile, at);
            var a1 = TReader.Load4(ref tile, at + 4);
            var a2 = TReader.Load4(ref tile, at + 8);
            var a3 = TReader.Load4(ref tile, at + 12);
            u0 = Vector256.FusedMultiplyAdd(a0, xv, u0);
            u1 = Vector256.FusedMultiplyAdd(a1, xv, u1);
            u2 = Vector256.FusedMultiplyAdd(a2, xv, u2);
            u3 = Vector256.FusedMultiplyAdd(a3, xv, u3);
            w0 = Vector256.FusedMultiplyAdd(a0, xw, w0);
            w1 = Vector256.FusedMultiplyAdd(a1, xw, w1);
            w2 = Vector256.FusedMultiplyAdd(a2, xw, w2);
            w3 = Vector256.FusedMultiplyAdd(a3, xw, w3);
            ref double yc = ref Unsafe.Add(ref yJ, c);
            var t01 = Vector256.FusedMultiplyAdd(a1, x1, Vector256.FusedMultiplyAdd(a0, x0, Vector256.LoadUnsafe(ref yc)));
            var t23 = Vector256.FusedMultiplyAdd(a3, x3, a2 * x2);
            (t01 + t23).StoreUnsafe(ref yc);
            ref double ye = ref Unsafe.Add(ref yJ, c + second);
            var s01 = Vector256.FusedMultiplyAdd(a1, z1, Vector256.FusedMultiplyAdd(a0, z0, Vector256.LoadUnsafe(ref ye)));
            var s23 = Vector256.FusedMultiplyAdd(a3, z3, a2 * z2);
            (s01 + s23).StoreUnsafe(ref ye);
        }
        yI += Vector256.Sum(u0);
        Unsafe.Add(ref yI, 1) += Vector256.Sum(u1);
        Unsafe.Add(ref yI, 2) += Vector256.Sum(u2);
        Unsafe.Add(ref yI, 3) += Vector256.Sum(u3);
        Unsafe.Add(ref yI, second) += Vector256.Sum(w0);
        Unsafe.Add(ref yI, second + 1) += Vector256.Sum(w1);
        Unsafe.Add(ref yI, second + 2) += Vector256.Sum(w2);
        Unsafe.Add(ref yI, second + 3) += Vector256.Sum(w3);
    }

    /// <summary>Storage index of entry (r, c) inside a block with <paramref name="columns"/> columns (tile order).</summary>
    internal static long TileIndex(int r, int c, int columns) => (long)(r >> 2) * 4 * columns + (c >> 2) * TileEntries + (r & 3) * 4 + (c & 3);

    /// <summary>Scalar twins: the same per-block algebra in scalar order.</summary>
    internal static class Reference
    {
        internal static void OffDiagonal<T, TReader>(ReadOnlySpan<T> block, int rows, int columns,
            ReadOnlySpan<double> xI, ReadOnlySpan<double> xJ, Span<double> yI, Span<double> yJ)
            where T : unmanaged where TReader : IEntryReader<T>
        {
            ref T b = ref MemoryMarshal.GetReference(block);
            for (int r = 0; r < rows; r++)
            {
                double s = 0;
                for (int c = 0; c < columns; c++)
                {
                    double a = TReader.Load1(ref b, (nint)TileIndex(r, c, columns));
                    s += a * xJ[c];
                    yJ[c] += a * xI[r];
                }
                yI[r] += s;
            }
        }

        internal static void Diagonal<T, TReader>(ReadOnlySpan<T> block, int size, ReadOnlySpan<double> x, Span<double> y)
            where T : unmanaged where TReader : IEntryReader<T>
        {
            ref T b = ref MemoryMarshal.GetReference(block);
            for (int r = 0; r < size; r++)
            {
                double s = 0;
                for (int c = 0; c < size; c++) s += TReader.Load1(ref b, (nint)TileIndex(r, c, size)) * x[c];
                y[r] += s;
            }
        }
    }
}

/// <summary>
/// Layout of a symmetric n × n matrix stored as its upper block triangle: n is padded with zeros to a multiple of
/// 4 (nPadded), cut into block rows/columns of <see cref="BlockSize"/>, and the blocks (I, J), J ≥ I, are stored
/// one after another (block row I, then J = I..), each in the tile order of <see cref="SymmetricBlockKernels"/>.
/// </summary>
internal sealed class PackedSymmetricLayout
{
    /// <summary>Rows and columns per block (the last block is smaller).</summary>
    internal const int BlockSize = 128;

    internal PackedSymmetricLayout(int n)
    {
        Dimension = n;
        PaddedDimension = (n + 3) & ~3;
        BlockCount = (PaddedDimension + BlockSize - 1) / BlockSize;
        Offsets = new long[BlockCount * (BlockCount + 1) / 2 + 1];
        long at = 0;
        int index = 0;
        for (int i = 0; i < BlockCount; i++)
            for (int j = i; j < BlockCount; j++)
            {
                Offsets[index++] = at;
                at += (long)Size(i) * Size(j);
            }
        Offsets[index] = at;
        StoredEntries = at;
    }

    internal int Dimension { get; }
    internal int PaddedDimension { get; }
    internal int BlockCount { get; }
    internal long StoredEntries { get; }

    /// <summary>Start of block (I, J) for J ≥ I, in the order of storage.</summary>
    internal long[] Offsets { get; }

    /// <summary>Index of block (I, J), J ≥ I, in <see cref="Offsets"/>.</summary>
    internal int BlockIndex(int i, int j) => i * BlockCount - i * (i - 1) / 2 + (j - i);

    /// <summary>First row (column) of block row (column) <paramref name="block"/>.</summary>
    internal static int Start(int block) => block * BlockSize;

    /// <summary>Rows (columns) of block row (column) <paramref name="block"/>: a multiple of 4.</summary>
    internal int Size(int block) => Math.Min(BlockSize, PaddedDimension - block * BlockSize);

    /// <summary>Storage index of entry (row, column) of the full matrix (either triangle).</summary>
    internal long Index(int row, int column)
    {
        if (row > column) (row, column) = (column, row);
        int bi = row / BlockSize, bj = column / BlockSize;
        return Offsets[BlockIndex(bi, bj)] + SymmetricBlockKernels.TileIndex(row - Start(bi), column - Start(bj), Size(bj));
    }
}
