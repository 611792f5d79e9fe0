using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Small dense matrix products on row-major spans, the three shapes of an MLP's batched passes
/// (THEORY.md §5): forward Z += A·Wᵀ (<see cref="MultiplyAddTransposedB"/>), weight gradient G += Δᵀ·A
/// (<see cref="MultiplyAddTransposedA"/>) and back-propagation Δ' = Δ·W (<see cref="MultiplyAdd"/>).
/// Each has an <c>accumulate</c> flag: false overwrites C (C = product), true adds to it (C += product).
/// </summary>
/// <remarks>
/// <para>All three shapes run one register-tiled micro-kernel in outer-product form: a 4 × 8 tile of C held
/// in eight Vector256 accumulators, updated by one fused multiply-add per (row, vector) and depth step, with a
/// 1 × 8 tile for edge rows; edge columns (n mod 8) are packed into a zero-padded 8-wide panel and run through the
/// same tiles into a scratch tile. The depth is cut into blocks of <see cref="DepthBlock"/> so one
/// packed panel of B (depth block × 8) stays in L1. For C += A·Bᵀ the panel is packed (transposed) on the stack.</para>
/// <para>Implementation note: every element of C is computed as the same chain of fused multiply-adds in
/// increasing depth order, c ← fma(a_ip, b_pj, c), starting from C (accumulate) or +0 (overwrite), whatever tile
/// or edge path computes it. The SIMD kernels are therefore bitwise equal to their scalar twins in
/// <see cref="Reference"/>, and the result of one row never depends on how many rows share the call.
/// The float32 variant is <see cref="SingleMatrixKernels"/> (tiles 8 × 32 and 4 × 16).</para>
/// </remarks>
internal static partial class MatrixKernels
{
    /// <summary>Depth (k) block: a packed B panel of DepthBlock × 8 doubles is 16 KiB.</summary>
    internal const int DepthBlock = 256;

    private const int TileRows = 4;
    private const int TileColumns = 8;

    /// <summary>C[m×n] (+)= A[m×k] · B[n×k]ᵀ. Row strides lda ≥ k, ldb ≥ k, ldc ≥ n.</summary>
    internal static void MultiplyAddTransposedB(int m, int n, int k, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = true)
    {
        CheckShape(m, n, k);
        CheckMatrix(a, m, k, lda, nameof(a));
        CheckMatrix(b, n, k, ldb, nameof(b));
        CheckMatrix(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) Clear(c, m, n, ldc); return; }

        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        ref double pc = ref MemoryMarshal.GetReference(c);
        int width = UseVector512 ? WideTileColumns : TileColumns;
        Span<double> panel = stackalloc double[DepthBlock * WideTileColumns];
        ref double pp = ref MemoryMarshal.GetReference(panel);
        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, k - p0);
            bool acc = accumulate || p0 > 0;
            for (int j0 = 0; j0 < n; j0 += width)
            {
                int nc = Math.Min(width, n - j0);
                // Pack B[j0..j0+nc, p0..p0+kc] transposed: panel[p, jj] = B[j0 + jj, p0 + p].
                for (int jj = 0; jj < nc; jj++)
                {
                    ref double src = ref Unsafe.Add(ref pb, (nint)(j0 + jj) * ldb + p0);
                    for (int p = 0; p < kc; p++) Unsafe.Add(ref pp, p * width + jj) = Unsafe.Add(ref src, p);
                }
                Block(m, nc, kc, ref Unsafe.Add(ref pa, p0), lda, 1, ref pp, width,
                    ref Unsafe.Add(ref pc, j0), ldc, acc);
            }
        }
    }

    /// <summary>C[m×n] (+)= A[k×m]ᵀ · B[k×n]. Row strides lda ≥ m, ldb ≥ n, ldc ≥ n.</summary>
    internal static void MultiplyAddTransposedA(int m, int n, int k, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = true)
    {
        CheckShape(m, n, k);
        CheckMatrix(a, k, m, lda, nameof(a));
        CheckMatrix(b, k, n, ldb, nameof(b));
        CheckMatrix(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) Clear(c, m, n, ldc); return; }
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        ref double pc = ref MemoryMarshal.GetReference(c);
        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, k - p0);
            // a(i, p) = A[p, i]: row stride 1, depth stride lda.
            Block(m, n, kc, ref Unsafe.Add(ref pa, (nint)p0 * lda), 1, lda, ref Unsafe.Add(ref pb, (nint)p0 * ldb), ldb,
                ref pc, ldc, accumulate || p0 > 0);
        }
    }

    /// <summary>C[m×n] (+)= A[m×k] · B[k×n]. Row strides lda ≥ k, ldb ≥ n, ldc ≥ n.</summary>
    internal static void MultiplyAdd(int m, int n, int k, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = true)
    {
        CheckShape(m, n, k);
        CheckMatrix(a, m, k, lda, nameof(a));
        CheckMatrix(b, k, n, ldb, nameof(b));
        CheckMatrix(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) Clear(c, m, n, ldc); return; }
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        ref double pc = ref MemoryMarshal.GetReference(c);
        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, k - p0);
            Block(m, n, kc, ref Unsafe.Add(ref pa, p0), lda, 1, ref Unsafe.Add(ref pb, (nint)p0 * ldb), ldb,
                ref pc, ldc, accumulate || p0 > 0);
        }
    }

    /// <summary>
    /// destination[n×m] = source[m×n]ᵀ (row-major, dense). Walks 8 × 8 blocks so both sides stay in cache lines. Lets a
    /// caller that multiplies many row blocks by the same Wᵀ transpose W once, instead of every call packing it
    /// transposed (<see cref="MultiplyAddTransposedB"/>); <see cref="MultiplyAdd"/> on the transpose is bitwise equal.
    /// </summary>
    internal static void Transpose(int m, int n, ReadOnlySpan<double> source, Span<double> destination)
    {
        CheckShape(m, n, 0);
        CheckMatrix(source, m, n, n, nameof(source));
        CheckMatrix(destination, n, m, m, nameof(destination));
        if (source.Overlaps(destination)) throw new ArgumentException("destination must not overlap source.", nameof(destination));
        const int tile = 8;
        for (int i0 = 0; i0 < m; i0 += tile)
        {
            int i1 = Math.Min(m, i0 + tile);
            for (int j0 = 0; j0 < n; j0 += tile)
            {
                int j1 = Math.Min(n, j0 + tile);
                for (int i = i0; i < i1; i++)
                    for (int j = j0; j < j1; j++) destination[j * m + i] = source[i * n + j];
            }
        }
    }

    /// <summary>C = A[m×k] · B[k×n] (overwrites C).</summary>
    internal static void Multiply(int m, int n, int k, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc) =>
        MultiplyAdd(m, n, k, a, lda, b, ldb, c, ldc, accumulate: false);

    // C[m×n] (+)= Σ_p a(i,p) b(p,j) with a(i,p) = a[i·ars + p·aps], b(p,j) = b[p·bps + j].
    private static void Block(int m, int n, int k, ref double a, nint ars, nint aps, ref double b, nint bps,
        ref double c, nint ldc, bool accumulate)
    {
        if (UseVector512)
        {
            Block512(m, n, k, ref a, ars, aps, ref b, bps, ref c, ldc, accumulate);
            return;
        }
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < m; i++)
                ScalarColumns(1, 0, n, k, ref Unsafe.Add(ref a, i * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i * ldc), ldc, accumulate);
            return;
        }
        // Column tiles outer, row tiles inner: the B micro-panel (depth × 8) stays in L1 while A streams. A strided
        // panel is first packed contiguously: power-of-two row strides would map its rows to a few L1 sets.
        int fullRows = m - m % TileRows;
        bool pack = bps != TileColumns && m > TileRows;
        Span<double> panel = pack ? stackalloc double[DepthBlock * TileColumns] : Span<double>.Empty;
        ref double packed = ref MemoryMarshal.GetReference(panel);
        nint panelStride = pack ? TileColumns : bps;
        int j = 0;
        for (; j <= n - TileColumns; j += TileColumns)
        {
            scoped ref double bj = ref Unsafe.Add(ref b, j);
            if (pack)
            {
                for (int p = 0; p < k; p++)
                    Vector256.LoadUnsafe(ref Unsafe.Add(ref bj, p * bps)).StoreUnsafe(ref Unsafe.Add(ref packed, p * TileColumns));
                for (int p = 0; p < k; p++)
                    Vector256.LoadUnsafe(ref Unsafe.Add(ref bj, p * bps + 4)).StoreUnsafe(ref Unsafe.Add(ref packed, p * TileColumns + 4));
                bj = ref packed;
            }
            for (int i0 = 0; i0 < fullRows; i0 += TileRows)
                Tile4x8(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref bj, panelStride, ref Unsafe.Add(ref c, i0 * ldc + j), ldc, accumulate);
            for (int i0 = fullRows; i0 < m; i0++)
                Tile1x8(k, ref Unsafe.Add(ref a, i0 * ars), aps, ref bj, panelStride, ref Unsafe.Add(ref c, i0 * ldc + j), accumulate);
        }
        if (j < n) EdgeColumns(m, j, n, k, ref a, ars, aps, ref b, bps, ref c, ldc, accumulate);
    }

    // The last n − j0 < 8 columns: packed into a zero-padded 8-wide panel and computed by the full-width tiles into a
    // scratch tile, whose valid columns are copied back. Padding columns only add FMAs on zeros to scratch lanes, so
    // every real element keeps its fused multiply-add chain (bitwise equal to the scalar twin); an output layer of
    // 10 classes no longer spends more time on its last 2 columns than on the first 8.
    private static void EdgeColumns(int m, int j0, int n, int k, ref double a, nint ars, nint aps,
        ref double b, nint bps, ref double c, nint ldc, bool accumulate)
    {
        int width = n - j0;
        Span<double> panel = stackalloc double[DepthBlock * TileColumns];
        ref double pp = ref MemoryMarshal.GetReference(panel);
        ref double bj = ref Unsafe.Add(ref b, j0);
        for (int p = 0; p < k; p++)
        {
            ref double row = ref Unsafe.Add(ref pp, p * TileColumns);
            int jj = 0;
            for (; jj < width; jj++) Unsafe.Add(ref row, jj) = Unsafe.Add(ref bj, p * bps + jj);
            for (; jj < TileColumns; jj++) Unsafe.Add(ref row, jj) = 0.0;
        }
        Span<double> scratch = stackalloc double[TileRows * TileColumns];
        ref double ps = ref MemoryMarshal.GetReference(scratch);
        int fullRows = m - m % TileRows;
        for (int i0 = 0; i0 < fullRows; i0 += TileRows)
        {
            LoadScratch(ref Unsafe.Add(ref c, i0 * ldc + j0), ldc, TileRows, width, accumulate, ref ps);
            Tile4x8(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref pp, TileColumns, ref ps, TileColumns, accumulate);
            StoreScratch(ref ps, TileRows, width, ref Unsafe.Add(ref c, i0 * ldc + j0), ldc);
        }
        for (int i0 = fullRows; i0 < m; i0++)
        {
            LoadScratch(ref Unsafe.Add(ref c, i0 * ldc + j0), ldc, 1, width, accumulate, ref ps);
            Tile1x8(k, ref Unsafe.Add(ref a, i0 * ars), aps, ref pp, TileColumns, ref ps, accumulate);
            StoreScratch(ref ps, 1, width, ref Unsafe.Add(ref c, i0 * ldc + j0), ldc);
        }
    }

    private static void LoadScratch(ref double c, nint ldc, int rows, int width, bool accumulate, ref double scratch)
    {
        for (int r = 0; r < rows; r++)
            for (int jj = 0; jj < TileColumns; jj++)
                Unsafe.Add(ref scratch, r * TileColumns + jj) = accumulate && jj < width ? Unsafe.Add(ref c, r * ldc + jj) : 0.0;
    }

    private static void StoreScratch(ref double scratch, int rows, int width, ref double c, nint ldc)
    {
        for (int r = 0; r < rows; r++)
            for (int jj = 0; jj < width; jj++) Unsafe.Add(ref c, r * ldc + jj) = Unsafe.Add(ref scratch, r * TileColumns + jj);
    }

    private static void ScalarColumns(int rows, int j0, int n, int k, ref double a, nint ars, nint aps,
        ref double b, nint bps, ref double c, nint ldc, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            ref double ar = ref Unsafe.Add(ref a, r * ars);
            ref double cr = ref Unsafe.Add(ref c, r * ldc);
            for (int j = j0; j < n; j++)
            {
                double s = accumulate ? Unsafe.Add(ref cr, j) : 0.0;
                nint pa = 0, pb = j;
                for (int p = 0; p < k; p++, pa += aps, pb += bps)
                    s = Math.FusedMultiplyAdd(Unsafe.Add(ref ar, pa), Unsafe.Add(ref b, pb), s);
                Unsafe.Add(ref cr, j) = s;
            }
        }
    }

    private static void Tile4x8(int k, ref double a, nint ars, nint aps, ref double b, nint bps, ref double c, nint ldc, bool accumulate)
    {
        ref double c0 = ref c;
        ref double c1 = ref Unsafe.Add(ref c, ldc);
        ref double c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref double c3 = ref Unsafe.Add(ref c, 3 * ldc);
        Vector256<double> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector256.LoadUnsafe(ref c0); c01 = Vector256.LoadUnsafe(ref c0, 4);
            c10 = Vector256.LoadUnsafe(ref c1); c11 = Vector256.LoadUnsafe(ref c1, 4);
            c20 = Vector256.LoadUnsafe(ref c2); c21 = Vector256.LoadUnsafe(ref c2, 4);
            c30 = Vector256.LoadUnsafe(ref c3); c31 = Vector256.LoadUnsafe(ref c3, 4);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<double>.Zero;
        }
        ref double a0 = ref a;
        ref double a1 = ref Unsafe.Add(ref a, ars);
        ref double a2 = ref Unsafe.Add(ref a, 2 * ars);
        ref double a3 = ref Unsafe.Add(ref a, 3 * ars);
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector256.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector256.LoadUnsafe(ref b, (nuint)(pb + 4));
            var x = Vector256.Create(Unsafe.Add(ref a0, pa));
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref a1, pa));
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref a2, pa));
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref a3, pa));
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        c00.StoreUnsafe(ref c0); c01.StoreUnsafe(ref c0, 4);
        c10.StoreUnsafe(ref c1); c11.StoreUnsafe(ref c1, 4);
        c20.StoreUnsafe(ref c2); c21.StoreUnsafe(ref c2, 4);
        c30.StoreUnsafe(ref c3); c31.StoreUnsafe(ref c3, 4);
    }

    private static void Tile1x8(int k, ref double a, nint aps, ref double b, nint bps, ref double c, bool accumulate)
    {
        Vector256<double> c00, c01;
        if (accumulate) { c00 = Vector256.LoadUnsafe(ref c); c01 = Vector256.LoadUnsafe(ref c, 4); }
        else c00 = c01 = Vector256<double>.Zero;
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var x = Vector256.Create(Unsafe.Add(ref a, pa));
            c00 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref b, (nuint)pb), c00);
            c01 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref b, (nuint)(pb + 4)), c01);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 4);
    }

    // Shared with SingleMatrixKernels: the same shapes and strides, either element type.
    internal static void Clear<T>(Span<T> c, int m, int n, int ldc)
    {
        for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
    }

    internal static void CheckShape(int m, int n, int k)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"m must be >= 0; got {m}.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be >= 0; got {n}.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be >= 0; got {k}.");
    }

    // A rows × columns matrix with row stride ld must fit in the span.
    internal static void CheckMatrix<T>(ReadOnlySpan<T> span, int rows, int columns, int ld, string name)
    {
        if (ld < columns)
            throw new ArgumentException($"{name} has row stride {ld}, less than its {columns} columns.", name);
        if (rows == 0 || columns == 0) return;
        long needed = (long)(rows - 1) * ld + columns;
        if (span.Length < needed)
            throw new ArgumentException($"{name} has length {span.Length}; a {rows} × {columns} matrix with row stride {ld} needs {needed}.", name);
    }

    /// <summary>Scalar twins: the reference semantics (the same fused multiply-add chain per element).</summary>
    internal static class Reference
    {
        internal static void MultiplyAddTransposedB(int m, int n, int k, ReadOnlySpan<double> a, int lda,
            ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = true)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = accumulate ? c[i * ldc + j] : 0.0;
                    for (int p = 0; p < k; p++) s = Math.FusedMultiplyAdd(a[i * lda + p], b[j * ldb + p], s);
                    c[i * ldc + j] = s;
                }
        }

        internal static void MultiplyAddTransposedA(int m, int n, int k, ReadOnlySpan<double> a, int lda,
            ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = true)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = accumulate ? c[i * ldc + j] : 0.0;
                    for (int p = 0; p < k; p++) s = Math.FusedMultiplyAdd(a[p * lda + i], b[p * ldb + j], s);
                    c[i * ldc + j] = s;
                }
        }

        internal static void MultiplyAdd(int m, int n, int k, ReadOnlySpan<double> a, int lda,
            ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = true)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = accumulate ? c[i * ldc + j] : 0.0;
                    for (int p = 0; p < k; p++) s = Math.FusedMultiplyAdd(a[i * lda + p], b[p * ldb + j], s);
                    c[i * ldc + j] = s;
                }
        }
    }
}
