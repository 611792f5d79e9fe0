using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Single-precision (float32) twins of the <see cref="MatrixKernels"/> shapes used by the MLP curvature products in
/// <c>ProductPrecision.Single</c> mode, back-propagation C (+)= A·B (<see cref="MultiplyAdd"/>) and weight gradient
/// C (+)= Aᵀ·B (<see cref="MultiplyAddTransposedA"/>), plus the conversions between the double and single buffers.
/// </summary>
/// <remarks>
/// <para>Same structure as the double kernels with twice the lanes: an 8 × 32 tile of C in sixteen Vector512&lt;float&gt;
/// accumulators (4 × 32 and 1 × 32 for edge rows) where <see cref="MatrixKernels.UseVector512"/> holds, otherwise a
/// 4 × 16 tile in Vector256&lt;float&gt; (1 × 16 for edge rows); edge columns run through a zero-padded panel into a
/// scratch tile; B panels with a stride other than the tile width are packed contiguously.</para>
/// <para>Every element of C is the same chain of single-precision fused multiply-adds in increasing depth order,
/// c ← fma(a_ip, b_pj, c), starting from C or +0, so every path is bitwise equal to the scalar twins in
/// <see cref="Reference"/>.</para>
/// </remarks>
internal static class SingleMatrixKernels
{
    /// <summary>Depth (k) block: a packed B panel of DepthBlock × 32 floats is 32 KiB.</summary>
    internal const int DepthBlock = 256;

    private const int WideRows = 8, WideColumns = 32, NarrowRows = 4, NarrowColumns = 16;

    /// <summary>C[m×n] (+)= A[m×k] · B[k×n]. Row strides lda ≥ k, ldb ≥ n, ldc ≥ n.</summary>
    internal static void MultiplyAdd(int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = true)
    {
        CheckShape(m, n, k);
        CheckMatrix(a, m, k, lda, nameof(a));
        CheckMatrix(b, k, n, ldb, nameof(b));
        CheckMatrix(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) Clear(c, m, n, ldc); return; }
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pc = ref MemoryMarshal.GetReference(c);
        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, k - p0);
            Block(m, n, kc, ref Unsafe.Add(ref pa, p0), lda, 1, ref Unsafe.Add(ref pb, (nint)p0 * ldb), ldb,
                ref pc, ldc, accumulate || p0 > 0);
        }
    }

    /// <summary>C[m×n] (+)= A[k×m]ᵀ · B[k×n]. Row strides lda ≥ m, ldb ≥ n, ldc ≥ n.</summary>
    internal static void MultiplyAddTransposedA(int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = true)
    {
        CheckShape(m, n, k);
        CheckMatrix(a, k, m, lda, nameof(a));
        CheckMatrix(b, k, n, ldb, nameof(b));
        CheckMatrix(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) Clear(c, m, n, ldc); return; }
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pc = ref MemoryMarshal.GetReference(c);
        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, k - p0);
            Block(m, n, kc, ref Unsafe.Add(ref pa, (nint)p0 * lda), 1, lda, ref Unsafe.Add(ref pb, (nint)p0 * ldb), ldb,
                ref pc, ldc, accumulate || p0 > 0);
        }
    }

    /// <summary>
    /// C[m×n] (+)= A1[k1×m]ᵀ·B1[k1×n] + A2[k2×m]ᵀ·B2[k2×n] with C in double: each element is one float32 fused
    /// multiply-add chain from +0 over the k1 then the k2 depth terms, widened (exactly) and added to C (accumulate) or
    /// stored. The MLP weight-gradient block Δ̇ᵀA + ΔᵀȦ of one 64-sample block, added into the double gradient without
    /// a float32 round trip through memory. k1 + k2 ≤ <see cref="DepthBlock"/>. Row strides lda ≥ m, ldb ≥ n, ldc ≥ n.
    /// </summary>
    internal static void MultiplyAddTransposedAWidened(int m, int n, int k1, ReadOnlySpan<float> a1, int lda1, ReadOnlySpan<float> b1, int ldb1,
        int k2, ReadOnlySpan<float> a2, int lda2, ReadOnlySpan<float> b2, int ldb2, Span<double> c, int ldc, bool accumulate)
    {
        CheckShape(m, n, k1);
        CheckShape(m, n, k2);
        if (k1 + k2 > DepthBlock)
            throw new ArgumentOutOfRangeException(nameof(k2), k2, $"k1 + k2 = {k1 + k2} exceeds the float32 accumulation depth {DepthBlock}.");
        CheckMatrix(a1, k1, m, lda1, nameof(a1));
        CheckMatrix(b1, k1, n, ldb1, nameof(b1));
        CheckMatrix(a2, k2, m, lda2, nameof(a2));
        CheckMatrix(b2, k2, n, ldb2, nameof(b2));
        if (ldc < n) throw new ArgumentException($"c has row stride {ldc}, less than its {n} columns.", nameof(c));
        if (m > 0 && n > 0 && c.Length < (long)(m - 1) * ldc + n)
            throw new ArgumentException($"c has length {c.Length}; a {m} × {n} matrix with row stride {ldc} needs {(long)(m - 1) * ldc + n}.", nameof(c));
        if (m == 0 || n == 0) return;
        ref float pa1 = ref MemoryMarshal.GetReference(a1);
        ref float pb1 = ref MemoryMarshal.GetReference(b1);
        ref float pa2 = ref MemoryMarshal.GetReference(a2);
        ref float pb2 = ref MemoryMarshal.GetReference(b2);
        ref double pc = ref MemoryMarshal.GetReference(c);
        bool wide = MatrixKernels.UseVector512;
        if (!wide && !Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float s = 0f;
                    for (int p = 0; p < k1; p++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref pa1, p * lda1 + i), Unsafe.Add(ref pb1, p * ldb1 + j), s);
                    for (int p = 0; p < k2; p++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref pa2, p * lda2 + i), Unsafe.Add(ref pb2, p * ldb2 + j), s);
                    ref double cij = ref Unsafe.Add(ref pc, i * ldc + j);
                    cij = accumulate ? cij + s : s;
                }
            return;
        }
        int width = wide ? WideColumns : NarrowColumns;
        // One zero-padded panel holds the B1 rows then the B2 rows of the current column range.
        Span<float> panel = stackalloc float[DepthBlock * WideColumns];
        ref float pp = ref MemoryMarshal.GetReference(panel);
        ref float pp2 = ref Unsafe.Add(ref pp, k1 * width);
        Span<float> scratch = stackalloc float[WideRows * WideColumns];
        ref float ps = ref MemoryMarshal.GetReference(scratch);
        for (int j0 = 0; j0 < n; j0 += width)
        {
            int valid = Math.Min(width, n - j0);
            PackPanel(k1, ref Unsafe.Add(ref pb1, j0), ldb1, valid, width, ref pp);
            PackPanel(k2, ref Unsafe.Add(ref pb2, j0), ldb2, valid, width, ref pp2);
            for (int i0 = 0; i0 < m; i0 += WideRows)
            {
                int rows = Math.Min(WideRows, m - i0);
                ref double ci = ref Unsafe.Add(ref pc, i0 * ldc + j0);
                if (wide && rows == WideRows && valid == WideColumns)
                {
                    Tile8x32Widened(k1, ref Unsafe.Add(ref pa1, i0), 1, lda1, ref pp, WideColumns,
                        k2, ref Unsafe.Add(ref pa2, i0), 1, lda2, ref pp2, WideColumns, ref ci, ldc, accumulate);
                    continue;
                }
                RowTiles(wide, rows, k1, ref Unsafe.Add(ref pa1, i0), 1, lda1, ref pp, width, ref ps, width, accumulate: false);
                RowTiles(wide, rows, k2, ref Unsafe.Add(ref pa2, i0), 1, lda2, ref pp2, width, ref ps, width, accumulate: true);
                for (int r = 0; r < rows; r++)
                    for (int jj = 0; jj < valid; jj++)
                    {
                        ref double cij = ref Unsafe.Add(ref ci, r * ldc + jj);
                        float s = Unsafe.Add(ref ps, r * width + jj);
                        cij = accumulate ? cij + s : s;
                    }
            }
        }
    }

    private static void PackPanel(int k, ref float b, nint bps, int valid, int width, ref float panel)
    {
        for (int p = 0; p < k; p++)
        {
            ref float row = ref Unsafe.Add(ref panel, p * width);
            ref float src = ref Unsafe.Add(ref b, p * bps);
            int jj = 0;
            if (valid == width)
                for (; jj < width; jj += 8) Vector256.LoadUnsafe(ref Unsafe.Add(ref src, jj)).StoreUnsafe(ref Unsafe.Add(ref row, jj));
            for (; jj < valid; jj++) Unsafe.Add(ref row, jj) = Unsafe.Add(ref src, jj);
            for (; jj < width; jj++) Unsafe.Add(ref row, jj) = 0f;
        }
    }

    /// <summary>Length of the panel-major packing of a k × n B operand (<see cref="Pack"/>): k rows of n rounded up to 32.</summary>
    internal static int PackedLength(int k, int n) => k * ((n + WideColumns - 1) / WideColumns * WideColumns);

    /// <summary>
    /// Packs B[k×n] (row stride ldb) panel-major for <see cref="MultiplyAddPacked"/>: 32-column panels one after another,
    /// each k rows of 32 contiguous floats, the last panel zero-padded. Lets a B operand used by many row blocks (the
    /// weights, a direction) be packed once per product instead of once per GEMM call.
    /// </summary>
    internal static void Pack(int k, int n, ReadOnlySpan<float> b, int ldb, Span<float> packed)
    {
        CheckShape(0, n, k);
        CheckMatrix(b, k, n, ldb, nameof(b));
        if (packed.Length < PackedLength(k, n))
            throw new ArgumentException($"packed has length {packed.Length}; {PackedLength(k, n)} needed.", nameof(packed));
        for (int j0 = 0, panel = 0; j0 < n; j0 += WideColumns, panel += k * WideColumns)
        {
            int valid = Math.Min(WideColumns, n - j0);
            for (int p = 0; p < k; p++)
            {
                Span<float> row = packed.Slice(panel + p * WideColumns, WideColumns);
                b.Slice(p * ldb + j0, valid).CopyTo(row);
                row.Slice(valid).Clear();
            }
        }
    }

    /// <summary>As <see cref="Pack"/> for B = Sᵀ, with S[n×k] row-major (row stride lds): packed B(p, j) = S[j, p].</summary>
    internal static void PackTransposed(int k, int n, ReadOnlySpan<float> s, int lds, Span<float> packed)
    {
        CheckShape(0, n, k);
        CheckMatrix(s, n, k, lds, nameof(s));
        if (packed.Length < PackedLength(k, n))
            throw new ArgumentException($"packed has length {packed.Length}; {PackedLength(k, n)} needed.", nameof(packed));
        for (int j0 = 0, panel = 0; j0 < n; j0 += WideColumns, panel += k * WideColumns)
        {
            int valid = Math.Min(WideColumns, n - j0);
            Span<float> block = packed.Slice(panel, k * WideColumns);
            for (int jj = 0; jj < valid; jj++)
            {
                ReadOnlySpan<float> column = s.Slice((j0 + jj) * lds, k);
                for (int p = 0; p < k; p++) block[p * WideColumns + jj] = column[p];
            }
            if (valid < WideColumns)
                for (int p = 0; p < k; p++) block.Slice(p * WideColumns + valid, WideColumns - valid).Clear();
        }
    }

    /// <summary>
    /// C[m×n] (+)= A[m×k] · B[k×n] with B packed by <see cref="Pack"/> or <see cref="PackTransposed"/>; row strides
    /// lda ≥ k, ldc ≥ n. Bitwise equal to <see cref="MultiplyAdd"/> on the unpacked B (the same chains).
    /// </summary>
    internal static void MultiplyAddPacked(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packedB,
        Span<float> c, int ldc, bool accumulate = true)
    {
        CheckShape(m, n, k);
        CheckMatrix(a, m, k, lda, nameof(a));
        if (packedB.Length < PackedLength(k, n))
            throw new ArgumentException($"packedB has length {packedB.Length}; {PackedLength(k, n)} needed.", nameof(packedB));
        CheckMatrix(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) Clear(c, m, n, ldc); return; }
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(packedB);
        ref float pc = ref MemoryMarshal.GetReference(c);
        bool wide = MatrixKernels.UseVector512;
        if (!wide && !Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    ref float cij = ref Unsafe.Add(ref pc, i * ldc + j);
                    float s = accumulate ? cij : 0f;
                    ref float bj = ref Unsafe.Add(ref pb, j / WideColumns * k * WideColumns + j % WideColumns);
                    for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref pa, i * lda + p), Unsafe.Add(ref bj, p * WideColumns), s);
                    cij = s;
                }
            return;
        }
        Span<float> scratch = stackalloc float[WideRows * WideColumns];
        ref float ps = ref MemoryMarshal.GetReference(scratch);
        for (int j0 = 0; j0 < n; j0 += WideColumns)
        {
            ref float panel = ref Unsafe.Add(ref pb, (nint)j0 * k);
            int valid = Math.Min(WideColumns, n - j0);
            for (int p0 = 0; p0 < k; p0 += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, k - p0);
                bool acc = accumulate || p0 > 0;
                ref float ap = ref Unsafe.Add(ref pa, p0);
                ref float bp = ref Unsafe.Add(ref panel, p0 * WideColumns);
                if (valid == WideColumns)
                {
                    PanelRows(wide, m, kc, ref ap, lda, ref bp, ref Unsafe.Add(ref pc, j0), ldc, acc);
                    continue;
                }
                for (int i0 = 0; i0 < m; i0 += WideRows)
                {
                    int rows = Math.Min(WideRows, m - i0);
                    ref float ci = ref Unsafe.Add(ref pc, i0 * ldc + j0);
                    for (int r = 0; r < rows; r++)
                        for (int jj = 0; jj < WideColumns; jj++)
                            Unsafe.Add(ref ps, r * WideColumns + jj) = acc && jj < valid ? Unsafe.Add(ref ci, r * ldc + jj) : 0f;
                    PanelRows(wide, rows, kc, ref Unsafe.Add(ref ap, i0 * lda), lda, ref bp, ref ps, WideColumns, acc);
                    for (int r = 0; r < rows; r++)
                        for (int jj = 0; jj < valid; jj++) Unsafe.Add(ref ci, r * ldc + jj) = Unsafe.Add(ref ps, r * WideColumns + jj);
                }
            }
        }
    }

    // Rows of C against one packed 32-wide panel: the Vector512 tiles, or two 16-wide halves of Vector256 tiles.
    private static void PanelRows(bool wide, int m, int k, ref float a, nint lda, ref float panel, ref float c, nint ldc, bool accumulate)
    {
        if (wide)
        {
            RowTiles(true, m, k, ref a, lda, 1, ref panel, WideColumns, ref c, ldc, accumulate);
            return;
        }
        RowTiles(false, m, k, ref a, lda, 1, ref panel, WideColumns, ref c, ldc, accumulate);
        RowTiles(false, m, k, ref a, lda, 1, ref Unsafe.Add(ref panel, NarrowColumns), WideColumns, ref Unsafe.Add(ref c, NarrowColumns), ldc, accumulate);
    }

    /// <summary>destination[i] = (float)source[i], round to nearest (the once-per-product conversion of θ and the direction).</summary>
    internal static void Narrow(ReadOnlySpan<double> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"destination has length {destination.Length}; expected {source.Length}.", nameof(destination));
        int n = source.Length, i = 0;
        ref double ps = ref MemoryMarshal.GetReference(source);
        ref float pd = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                Vector512.Narrow(Vector512.LoadUnsafe(ref ps, (nuint)i), Vector512.LoadUnsafe(ref ps, (nuint)i + 8)).StoreUnsafe(ref pd, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = (float)Unsafe.Add(ref ps, i);
    }

    /// <summary>destination[i] += (double)source[i]: folds a single-precision block result into a double accumulator (exact widening, one double rounding per add).</summary>
    internal static void AddWidened(ReadOnlySpan<float> source, Span<double> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"destination has length {destination.Length}; expected {source.Length}.", nameof(destination));
        int n = source.Length, i = 0;
        ref float ps = ref MemoryMarshal.GetReference(source);
        ref double pd = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var s = Vector512.LoadUnsafe(ref ps, (nuint)i);
                (Vector512.LoadUnsafe(ref pd, (nuint)i) + Vector512.WidenLower(s)).StoreUnsafe(ref pd, (nuint)i);
                (Vector512.LoadUnsafe(ref pd, (nuint)i + 8) + Vector512.WidenUpper(s)).StoreUnsafe(ref pd, (nuint)i + 8);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) += Unsafe.Add(ref ps, i);
    }

    /// <summary>destination[i] = (double)source[i] (exact).</summary>
    internal static void Widen(ReadOnlySpan<float> source, Span<double> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"destination has length {destination.Length}; expected {source.Length}.", nameof(destination));
        for (int i = 0; i < source.Length; i++) destination[i] = source[i];
    }

    /// <summary><paramref name="columnSums"/> (+)= Σ_i row i of the rows × n single-precision matrix, accumulated in double, rows in order.</summary>
    internal static void AddColumnSumsWidened(ReadOnlySpan<float> matrix, int rows, Span<double> columnSums, bool accumulate)
    {
        int n = columnSums.Length;
        if (matrix.Length < (long)rows * n)
            throw new ArgumentException($"matrix has length {matrix.Length}; {rows} rows of {n} need {(long)rows * n}.", nameof(matrix));
        if (!accumulate) columnSums.Clear();
        for (int i = 0; i < rows; i++) AddWidened(matrix.Slice(i * n, n), columnSums);
    }

    /// <summary>t ← fma(e, z, t ⊙ d) (the R-backward update, as <see cref="ActivationKernels.MultiplyAddProduct"/>).</summary>
    internal static void MultiplyAddProduct(Span<float> t, ReadOnlySpan<float> d, ReadOnlySpan<float> e, ReadOnlySpan<float> z)
    {
        if (d.Length != t.Length || e.Length != t.Length || z.Length != t.Length)
            throw new ArgumentException($"d, e and z must have the length of t ({t.Length}).", nameof(t));
        int n = t.Length, i = 0;
        ref float pt = ref MemoryMarshal.GetReference(t);
        ref float pd = ref MemoryMarshal.GetReference(d);
        ref float pe = ref MemoryMarshal.GetReference(e);
        ref float pz = ref MemoryMarshal.GetReference(z);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pe, (nuint)i), Vector256.LoadUnsafe(ref pz, (nuint)i),
                    Vector256.LoadUnsafe(ref pt, (nuint)i) * Vector256.LoadUnsafe(ref pd, (nuint)i)).StoreUnsafe(ref pt, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref pt, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref pe, i), Unsafe.Add(ref pz, i), Unsafe.Add(ref pt, i) * Unsafe.Add(ref pd, i));
    }

    // C[m×n] (+)= Σ_p a(i,p) b(p,j) with a(i,p) = a[i·ars + p·aps], b(p,j) = b[p·bps + j].
    private static void Block(int m, int n, int k, ref float a, nint ars, nint aps, ref float b, nint bps,
        ref float c, nint ldc, bool accumulate)
    {
        bool wide = MatrixKernels.UseVector512;
        if (!wide && !Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < m; i++)
            {
                ref float ar = ref Unsafe.Add(ref a, i * ars);
                ref float cr = ref Unsafe.Add(ref c, i * ldc);
                for (int j = 0; j < n; j++)
                {
                    float s = accumulate ? Unsafe.Add(ref cr, j) : 0f;
                    for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref ar, p * aps), Unsafe.Add(ref b, p * bps + j), s);
                    Unsafe.Add(ref cr, j) = s;
                }
            }
            return;
        }
        int width = wide ? WideColumns : NarrowColumns;
        // A strided panel is first packed contiguously: power-of-two row strides would map its rows to a few L1 sets.
        bool pack = bps != width && m > NarrowRows;
        Span<float> panel = pack ? stackalloc float[DepthBlock * WideColumns] : Span<float>.Empty;
        ref float packed = ref MemoryMarshal.GetReference(panel);
        nint panelStride = pack ? width : bps;
        int j0 = 0;
        for (; j0 <= n - width; j0 += width)
        {
            scoped ref float bj = ref Unsafe.Add(ref b, j0);
            if (pack)
            {
                for (int p = 0; p < k; p++)
                    for (int v = 0; v < width; v += 8)
                        Vector256.LoadUnsafe(ref Unsafe.Add(ref bj, p * bps + v)).StoreUnsafe(ref Unsafe.Add(ref packed, p * width + v));
                bj = ref packed;
            }
            RowTiles(wide, m, k, ref a, ars, aps, ref bj, panelStride, ref Unsafe.Add(ref c, j0), ldc, accumulate);
        }
        if (j0 < n) EdgeColumns(wide, m, j0, n, k, ref a, ars, aps, ref b, bps, ref c, ldc, accumulate);
    }

    // Rows of C against one panel: 8-row tiles (wide only), a 4-row tile, then single rows.
    private static void RowTiles(bool wide, int m, int k, ref float a, nint ars, nint aps, ref float b, nint bps,
        ref float c, nint ldc, bool accumulate)
    {
        int i0 = 0;
        if (wide)
        {
            for (; i0 <= m - WideRows; i0 += WideRows)
                Tile8x32(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
            if (i0 <= m - 4)
            {
                Tile4x32(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
                i0 += 4;
            }
            for (; i0 < m; i0++)
                Tile1x32(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
            return;
        }
        for (; i0 <= m - NarrowRows; i0 += NarrowRows)
            Tile4x16(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
        for (; i0 < m; i0++)
            Tile1x16(k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref b, bps, ref Unsafe.Add(ref c, i0 * ldc), ldc, accumulate);
    }

    // The last n − j0 < width columns: a zero-padded panel and a scratch tile per group of rows. Padding columns only
    // add FMAs on zeros to scratch lanes, so every real element keeps its fused multiply-add chain.
    private static void EdgeColumns(bool wide, int m, int j0, int n, int k, ref float a, nint ars, nint aps,
        ref float b, nint bps, ref float c, nint ldc, bool accumulate)
    {
        int width = wide ? WideColumns : NarrowColumns, valid = n - j0;
        Span<float> panel = stackalloc float[DepthBlock * WideColumns];
        ref float pp = ref MemoryMarshal.GetReference(panel);
        ref float bj = ref Unsafe.Add(ref b, j0);
        for (int p = 0; p < k; p++)
        {
            ref float row = ref Unsafe.Add(ref pp, p * width);
            int jj = 0;
            for (; jj < valid; jj++) Unsafe.Add(ref row, jj) = Unsafe.Add(ref bj, p * bps + jj);
            for (; jj < width; jj++) Unsafe.Add(ref row, jj) = 0f;
        }
        Span<float> scratch = stackalloc float[WideRows * WideColumns];
        ref float ps = ref MemoryMarshal.GetReference(scratch);
        for (int i0 = 0; i0 < m; i0 += WideRows)
        {
            int rows = Math.Min(WideRows, m - i0);
            ref float ci = ref Unsafe.Add(ref c, i0 * ldc + j0);
            for (int r = 0; r < rows; r++)
                for (int jj = 0; jj < width; jj++)
                    Unsafe.Add(ref ps, r * width + jj) = accumulate && jj < valid ? Unsafe.Add(ref ci, r * ldc + jj) : 0f;
            RowTiles(wide, rows, k, ref Unsafe.Add(ref a, i0 * ars), ars, aps, ref pp, width, ref ps, width, accumulate);
            for (int r = 0; r < rows; r++)
                for (int jj = 0; jj < valid; jj++) Unsafe.Add(ref ci, r * ldc + jj) = Unsafe.Add(ref ps, r * width + jj);
        }
    }

    private static void Tile8x32(int k, ref float a, nint ars, nint aps, ref float b, nint bps, ref float c, nint ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate)
        {
            c00 = Vector512.LoadUnsafe(ref c); c01 = Vector512.LoadUnsafe(ref c, 16);
            c10 = Vector512.LoadUnsafe(ref c, (nuint)(1 * ldc)); c11 = Vector512.LoadUnsafe(ref c, (nuint)(1 * ldc) + 16);
            c20 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc) + 16);
            c30 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc) + 16);
            c40 = Vector512.LoadUnsafe(ref c, (nuint)(4 * ldc)); c41 = Vector512.LoadUnsafe(ref c, (nuint)(4 * ldc) + 16);
            c50 = Vector512.LoadUnsafe(ref c, (nuint)(5 * ldc)); c51 = Vector512.LoadUnsafe(ref c, (nuint)(5 * ldc) + 16);
            c60 = Vector512.LoadUnsafe(ref c, (nuint)(6 * ldc)); c61 = Vector512.LoadUnsafe(ref c, (nuint)(6 * ldc) + 16);
            c70 = Vector512.LoadUnsafe(ref c, (nuint)(7 * ldc)); c71 = Vector512.LoadUnsafe(ref c, (nuint)(7 * ldc) + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector512.LoadUnsafe(ref b, (nuint)(pb + 16));
            ref float ap = ref Unsafe.Add(ref a, pa);
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
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 16);
        c10.StoreUnsafe(ref c, (nuint)(1 * ldc)); c11.StoreUnsafe(ref c, (nuint)(1 * ldc) + 16);
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc) + 16);
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc) + 16);
        c40.StoreUnsafe(ref c, (nuint)(4 * ldc)); c41.StoreUnsafe(ref c, (nuint)(4 * ldc) + 16);
        c50.StoreUnsafe(ref c, (nuint)(5 * ldc)); c51.StoreUnsafe(ref c, (nuint)(5 * ldc) + 16);
        c60.StoreUnsafe(ref c, (nuint)(6 * ldc)); c61.StoreUnsafe(ref c, (nuint)(6 * ldc) + 16);
        c70.StoreUnsafe(ref c, (nuint)(7 * ldc)); c71.StoreUnsafe(ref c, (nuint)(7 * ldc) + 16);
    }

    private static void Tile4x32(int k, ref float a, nint ars, nint aps, ref float b, nint bps, ref float c, nint ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector512.LoadUnsafe(ref c); c01 = Vector512.LoadUnsafe(ref c, 16);
            c10 = Vector512.LoadUnsafe(ref c, (nuint)(1 * ldc)); c11 = Vector512.LoadUnsafe(ref c, (nuint)(1 * ldc) + 16);
            c20 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc) + 16);
            c30 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc) + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector512.LoadUnsafe(ref b, (nuint)(pb + 16));
            ref float ap = ref Unsafe.Add(ref a, pa);
            var x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, ars));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * ars));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * ars));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 16);
        c10.StoreUnsafe(ref c, (nuint)(1 * ldc)); c11.StoreUnsafe(ref c, (nuint)(1 * ldc) + 16);
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc) + 16);
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc) + 16);
    }

    private static void Tile1x32(int k, ref float a, nint ars, nint aps, ref float b, nint bps, ref float c, nint ldc, bool accumulate)
    {
        Vector512<float> c00, c01;
        if (accumulate)
        {
            c00 = Vector512.LoadUnsafe(ref c); c01 = Vector512.LoadUnsafe(ref c, 16);
        }
        else
        {
            c00 = c01 = Vector512<float>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector512.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector512.LoadUnsafe(ref b, (nuint)(pb + 16));
            ref float ap = ref Unsafe.Add(ref a, pa);
            var x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 16);
    }

    private static void Tile4x16(int k, ref float a, nint ars, nint aps, ref float b, nint bps, ref float c, nint ldc, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector256.LoadUnsafe(ref c); c01 = Vector256.LoadUnsafe(ref c, 8);
            c10 = Vector256.LoadUnsafe(ref c, (nuint)(1 * ldc)); c11 = Vector256.LoadUnsafe(ref c, (nuint)(1 * ldc) + 8);
            c20 = Vector256.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector256.LoadUnsafe(ref c, (nuint)(2 * ldc) + 8);
            c30 = Vector256.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector256.LoadUnsafe(ref c, (nuint)(3 * ldc) + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector256.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector256.LoadUnsafe(ref b, (nuint)(pb + 8));
            ref float ap = ref Unsafe.Add(ref a, pa);
            var x = Vector256.Create(ap);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref ap, ars));
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref ap, 2 * ars));
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref ap, 3 * ars));
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 8);
        c10.StoreUnsafe(ref c, (nuint)(1 * ldc)); c11.StoreUnsafe(ref c, (nuint)(1 * ldc) + 8);
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc) + 8);
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc) + 8);
    }

    private static void Tile1x16(int k, ref float a, nint ars, nint aps, ref float b, nint bps, ref float c, nint ldc, bool accumulate)
    {
        Vector256<float> c00, c01;
        if (accumulate)
        {
            c00 = Vector256.LoadUnsafe(ref c); c01 = Vector256.LoadUnsafe(ref c, 8);
        }
        else
        {
            c00 = c01 = Vector256<float>.Zero;
        }
        nint pa = 0, pb = 0;
        for (int p = 0; p < k; p++, pa += aps, pb += bps)
        {
            var b0 = Vector256.LoadUnsafe(ref b, (nuint)pb);
            var b1 = Vector256.LoadUnsafe(ref b, (nuint)(pb + 8));
            ref float ap = ref Unsafe.Add(ref a, pa);
            var x = Vector256.Create(ap);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
        }
        c00.StoreUnsafe(ref c); c01.StoreUnsafe(ref c, 8);
    }
    // An 8 × 32 tile of C (double) += widen(Σ_p a1(i,p) b1(p,j) + Σ_p a2(i,p) b2(p,j)): one float32 fused multiply-add chain from
    // +0 over both depth ranges in order, widened and added to C (or stored when not accumulating) straight from the registers.
    private static void Tile8x32Widened(int k1, ref float a1, nint ars1, nint aps1, ref float b1, nint bps1,
        int k2, ref float a2, nint ars2, nint aps2, ref float b2, nint bps2, ref double c, nint ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        nint pa = 0, pb = 0;
        for (int p = 0; p < k1; p++, pa += aps1, pb += bps1)
        {
            var b0 = Vector512.LoadUnsafe(ref b1, (nuint)pb);
            var b1v = Vector512.LoadUnsafe(ref b1, (nuint)(pb + 16));
            ref float ap = ref Unsafe.Add(ref a1, pa);
            var x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1v, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, 1 * ars1));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1v, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * ars1));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1v, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * ars1));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1v, c31);
            x = Vector512.Create(Unsafe.Add(ref ap, 4 * ars1));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1v, c41);
            x = Vector512.Create(Unsafe.Add(ref ap, 5 * ars1));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1v, c51);
            x = Vector512.Create(Unsafe.Add(ref ap, 6 * ars1));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1v, c61);
            x = Vector512.Create(Unsafe.Add(ref ap, 7 * ars1));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1v, c71);
        }
        pa = 0; pb = 0;
        for (int p = 0; p < k2; p++, pa += aps2, pb += bps2)
        {
            var b0 = Vector512.LoadUnsafe(ref b2, (nuint)pb);
            var b1v = Vector512.LoadUnsafe(ref b2, (nuint)(pb + 16));
            ref float ap = ref Unsafe.Add(ref a2, pa);
            var x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1v, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, 1 * ars2));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1v, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * ars2));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1v, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * ars2));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1v, c31);
            x = Vector512.Create(Unsafe.Add(ref ap, 4 * ars2));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1v, c41);
            x = Vector512.Create(Unsafe.Add(ref ap, 5 * ars2));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1v, c51);
            x = Vector512.Create(Unsafe.Add(ref ap, 6 * ars2));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1v, c61);
            x = Vector512.Create(Unsafe.Add(ref ap, 7 * ars2));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1v, c71);
        }
        StoreWidened(c00, c01, ref Unsafe.Add(ref c, 0 * ldc), accumulate);
        StoreWidened(c10, c11, ref Unsafe.Add(ref c, 1 * ldc), accumulate);
        StoreWidened(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), accumulate);
        StoreWidened(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), accumulate);
        StoreWidened(c40, c41, ref Unsafe.Add(ref c, 4 * ldc), accumulate);
        StoreWidened(c50, c51, ref Unsafe.Add(ref c, 5 * ldc), accumulate);
        StoreWidened(c60, c61, ref Unsafe.Add(ref c, 6 * ldc), accumulate);
        StoreWidened(c70, c71, ref Unsafe.Add(ref c, 7 * ldc), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWidened(Vector512<float> low, Vector512<float> high, ref double c, bool accumulate)
    {
        var w0 = Vector512.WidenLower(low);
        var w1 = Vector512.WidenUpper(low);
        var w2 = Vector512.WidenLower(high);
        var w3 = Vector512.WidenUpper(high);
        if (accumulate)
        {
            w0 += Vector512.LoadUnsafe(ref c);
            w1 += Vector512.LoadUnsafe(ref c, 8);
            w2 += Vector512.LoadUnsafe(ref c, 16);
            w3 += Vector512.LoadUnsafe(ref c, 24);
        }
        w0.StoreUnsafe(ref c); w1.StoreUnsafe(ref c, 8); w2.StoreUnsafe(ref c, 16); w3.StoreUnsafe(ref c, 24);
    }

    private static void Clear(Span<float> c, int m, int n, int ldc) => MatrixKernels.Clear(c, m, n, ldc);

    private static void CheckShape(int m, int n, int k) => MatrixKernels.CheckShape(m, n, k);

    private static void CheckMatrix(ReadOnlySpan<float> span, int rows, int columns, int ld, string name) =>
        MatrixKernels.CheckMatrix(span, rows, columns, ld, name);

    /// <summary>Scalar twins: the reference semantics (the same single-precision fused multiply-add chain per element).</summary>
    internal static class Reference
    {
        internal static void MultiplyAdd(int m, int n, int k, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = true)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float s = accumulate ? c[i * ldc + j] : 0f;
                    for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(a[i * lda + p], b[p * ldb + j], s);
                    c[i * ldc + j] = s;
                }
        }

        internal static void MultiplyAddTransposedA(int m, int n, int k, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = true)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float s = accumulate ? c[i * ldc + j] : 0f;
                    for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(a[p * lda + i], b[p * ldb + j], s);
                    c[i * ldc + j] = s;
                }
        }

        internal static void MultiplyAddTransposedAWidened(int m, int n, int k1, ReadOnlySpan<float> a1, int lda1, ReadOnlySpan<float> b1, int ldb1,
            int k2, ReadOnlySpan<float> a2, int lda2, ReadOnlySpan<float> b2, int ldb2, Span<double> c, int ldc, bool accumulate)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float s = 0f;
                    for (int p = 0; p < k1; p++) s = MathF.FusedMultiplyAdd(a1[p * lda1 + i], b1[p * ldb1 + j], s);
                    for (int p = 0; p < k2; p++) s = MathF.FusedMultiplyAdd(a2[p * lda2 + i], b2[p * ldb2 + j], s);
                    c[i * ldc + j] = accumulate ? c[i * ldc + j] + s : s;
                }
        }

        internal static void MultiplyAddPacked(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packedB,
            Span<float> c, int ldc, bool accumulate = true)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float s = accumulate ? c[i * ldc + j] : 0f;
                    for (int p = 0; p < k; p++)
                        s = MathF.FusedMultiplyAdd(a[i * lda + p], packedB[j / WideColumns * k * WideColumns + p * WideColumns + j % WideColumns], s);
                    c[i * ldc + j] = s;
                }
        }

        internal static void MultiplyAddProduct(Span<float> t, ReadOnlySpan<float> d, ReadOnlySpan<float> e, ReadOnlySpan<float> z)
        {
            for (int i = 0; i < t.Length; i++) t[i] = MathF.FusedMultiplyAdd(e[i], z[i], t[i] * d[i]);
        }
    }
}
