using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

// The AVX-512 path: an 8 × 16 tile of C in sixteen Vector512 accumulators (AVX-512 has 32 registers), with 4 × 16 and
// 1 × 16 tiles for edge rows and a zero-padded 16-wide panel for edge columns. Measured on the development machine
// (AMD Zen 5, full-width 512-bit FMA units) a Vector512 FMA loop runs 1.8× the Vector256 one. Every element of C is
// still the same fused multiply-add chain in increasing depth order, so this path is bitwise equal to the Vector256
// path and to the scalar twins.
internal static partial class MatrixKernels
{
    private const int WideTileRows = 8;
    private const int WideTileColumns = 16;

    /// <summary>Whether the GEMMs use the Vector512 tiles: on by default where Vector512 is accelerated; tests switch it
    /// off to cover the Vector256 path on the same machine (results are bitwise equal either way).</summary>
    internal static bool UseVector512 { get; set; } = Vector512.IsHardwareAccelerated;

    private static void Block512(int m, int n, int k, ref double a, nint ars, nint aps, ref double b, nint bps,
        ref double c, nint ldc, bool accumulate)
    {
        bool pack = bps != WideTileColumns && m > 4;
        Span<double> panel = pack ? stackalloc double[DepthBlock * WideTileColumns] : Span<double>.Empty;
        ref double packed = ref MemoryMarshal.GetReference(panel);
        nint panelStride = pack ? WideTileColumns : bps;
        int j = 0;
        for (; j <= n - WideTileColumns; j += WideTileColumns)
        {
            scoped ref double bj = ref Unsafe.Add(ref b, j);
            if (pack)
            {
                for (int p = 0; p < k; p++)
                {
                    Vector512.LoadUnsafe(ref Unsafe.Add(ref bj, p * bps)).StoreUnsafe(ref Unsafe.Add(ref packed, p * WideTileColumns));
                    Vector512.LoadUnsafe(ref Unsafe.Add(ref bj, p * bps + 8)).StoreUnsafe(ref Unsafe.Add(ref packed, p * WideTileColumns + 8));
                }
                bj = ref packed;
            }
            RowTiles512(m, k, ref a, ars, aps, ref bj, panelStride, ref Unsafe.Add(ref c, j), ldc, accumulate);
        }
        if (j < n) EdgeColumns512(m, j, n, k, ref a, ars, aps, ref b, bps, ref c, ldc, accumulate);
    }

    // Rows of C against one 16-wide panel: 8-row tiles, then a 4-row tile, then single rows.
    private static void RowTiles512(int m, int k, ref double a, nint ars, nint aps, ref double b, nint bps,
        ref double c, nint ldc, bool accumulate)
    {
        int i0 = 0;
        for (; i0 <= m - WideTileRows; i0 += WideTileRows)
            Tile8x16(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
        if (i0 <= m - 4)
        {
            Tile4x16(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
            i0 += 4;
        }
        for (; i0 < m; i0++)
            Tile1x16(k, ref Unsafe.Add(ref a, i0 * ars), aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), accumulate);
    }

    // The last n − j0 < 16 columns: a zero-padded 16-wide panel and an 8 × 16 scratch tile per group of rows.
    private static void EdgeColumns512(int m, int j0, int n, int k, ref double a, nint ars, nint aps,
        ref double b, nint bps, ref double c, nint ldc, bool accumulate)
    {
        int width = n - j0;
        Span<double> panel = stackalloc double[DepthBlock * WideTileColumns];
        ref double pp = ref MemoryMarshal.GetReference(panel);
        ref double bj = ref Unsafe.Add(ref b, j0);
        for (int p = 0; p < k; p++)
        {
            ref double row = ref Unsafe.Add(ref pp, p * WideTileColumns);
            int jj = 0;
            for (; jj < width; jj++) Unsafe.Add(ref row, jj) = Unsafe.Add(ref bj, p * bps + jj);
            for (; jj < WideTileColumns; jj++) Unsafe.Add(ref row, jj) = 0.0;
        }
        Span<double> scratch = stackalloc double[WideTileRows * WideTileColumns];
        ref double ps = ref MemoryMarshal.GetReference(scratch);
        for (int i0 = 0; i0 < m; i0 += WideTileRows)
        {
            int rows = Math.Min(WideTileRows, m - i0);
            ref double ci = ref Unsafe.Add(ref c, i0 * ldc + j0);
            for (int r = 0; r < rows; r++)
                for (int jj = 0; jj < WideTileColumns; jj++)
                    Unsafe.Add(ref ps, r * WideTileColumns + jj) = accumulate && jj < width ? Unsafe.Add(ref ci, r * ldc + jj) : 0.0;
            RowTiles512(rows, k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref pp, WideTileColumns, ref ps, WideTileColumns, accumulate);
            for (int r = 0; r < rows; r++)
                for (int jj = 0; jj < width; jj++) Unsafe.Add(ref ci, r * ldc + jj) = Unsafe.Add(ref ps, r * WideTileColumns + jj);
        }
    }

    private static void Tile8x16(int k, ref double a, nint ars, nint aps, ref double b, nint bps, ref double c, nint ldc, bool accumulate)
    {
        Vector512<double> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate)
        {
            c00 = Vector512.LoadUnsafe(ref c); c01 = Vector512.LoadUnsafe(ref c, 8);
            c10 = Vector512.LoadUnsafe(ref c, (nuint)ldc); c11 = Vector512.LoadUnsafe(ref c, (nuint)ldc + 8);
            c20 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc) + 8);
            c30 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc) + 8);
            c40 = Vector512.LoadUnsafe(ref c, (nuint)(4 * ldc)); c41 = Vector512.LoadUnsafe(ref c, (nuint)(4 * ldc) + 8);
            c50 = Vector512.LoadUnsafe(ref c, (nuint)(5 * ldc)); c51 = Vector512.LoadUnsafe(ref c, (nuint)(5 * ldc) + 8);
            c60 = Vector512.LoadUnsafe(ref c, (nuint)(6 * ldc)); c61 = Vector512.LoadUnsafe(ref c, (nuint)(6 * ldc) + 8);
            c70 = Vector512.LoadUnsafe(ref c, (nuint)(7 * ldc)); c71 = Vector512.LoadUnsafe(ref c, (nuint)(7 * ldc) + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<double>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector512.LoadUnsafe(ref b, (nuint)(pb + 8));
            ref double ap = ref Unsafe.Add(ref a, pa);
            var x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, ars));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * ars));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * ars));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref ap, 4 * ars));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref ap, 5 * ars));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(Unsafe.Add(ref ap, 6 * ars));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(Unsafe.Add(ref ap, 7 * ars));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 8);
        c10.StoreUnsafe(ref c, (nuint)ldc); c11.StoreUnsafe(ref c, (nuint)ldc + 8);
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc) + 8);
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc) + 8);
        c40.StoreUnsafe(ref c, (nuint)(4 * ldc)); c41.StoreUnsafe(ref c, (nuint)(4 * ldc) + 8);
        c50.StoreUnsafe(ref c, (nuint)(5 * ldc)); c51.StoreUnsafe(ref c, (nuint)(5 * ldc) + 8);
        c60.StoreUnsafe(ref c, (nuint)(6 * ldc)); c61.StoreUnsafe(ref c, (nuint)(6 * ldc) + 8);
        c70.StoreUnsafe(ref c, (nuint)(7 * ldc)); c71.StoreUnsafe(ref c, (nuint)(7 * ldc) + 8);
    }

    private static void Tile4x16(int k, ref double a, nint ars, nint aps, ref double b, nint bps, ref double c, nint ldc, bool accumulate)
    {
        Vector512<double> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector512.LoadUnsafe(ref c); c01 = Vector512.LoadUnsafe(ref c, 8);
            c10 = Vector512.LoadUnsafe(ref c, (nuint)ldc); c11 = Vector512.LoadUnsafe(ref c, (nuint)ldc + 8);
            c20 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc) + 8);
            c30 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc) + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<double>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector512.LoadUnsafe(ref b, (nuint)(pb + 8));
            ref double ap = ref Unsafe.Add(ref a, pa);
            var x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, ars));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * ars));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * ars));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 8);
        c10.StoreUnsafe(ref c, (nuint)ldc); c11.StoreUnsafe(ref c, (nuint)ldc + 8);
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc) + 8);
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc) + 8);
    }

    private static void Tile1x16(int k, ref double a, nint aps, ref double b, nint bps, ref double c, bool accumulate)
    {
        Vector512<double> c00, c01;
        if (accumulate) { c00 = Vector512.LoadUnsafe(ref c); c01 = Vector512.LoadUnsafe(ref c, 8); }
        else c00 = c01 = Vector512<double>.Zero;
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var x = Vector512.Create(Unsafe.Add(ref a, pa));
            c00 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref b, (nuint)pb), c00);
            c01 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref b, (nuint)(pb + 8)), c01);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 8);
    }
}
