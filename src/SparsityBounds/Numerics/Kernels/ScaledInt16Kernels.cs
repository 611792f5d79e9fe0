using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Kernels between vectors stored as 16-bit integers with one scale per slice (x ≈ s·q, s = max|x|/32767 over the
/// slice) and float64 working vectors: a Lanczos basis in a quarter of double's bytes (half of float32's) for the
/// memory-bound passes of reorthogonalisation. The stored error per entry is at most s/2 = max|x|/65534 of its slice's
/// largest entry; every product and sum is formed in double (an int16 widens to double exactly), and the kernels return
/// unscaled sums, so the caller applies the slice's scale once. Vector512 where the hardware has it
/// (<see cref="MatrixKernels.UseVector512"/>: one sign extension and two conversions per 16 entries), else Vector256.
/// Each kernel has a scalar twin in <see cref="Reference"/> that defines its semantics.
/// </summary>
internal static class ScaledInt16Kernels
{
    /// <summary>Largest stored magnitude: the slice's largest entry maps to ±32767.</summary>
    internal const int FullScale = short.MaxValue;

    private static bool Wide => MatrixKernels.UseVector512 && Avx512F.IsSupported;

    /// <summary>destination[i] = round(x[i]/s) (to nearest, ties to even) with s = max|x|/32767; returns s (0 for a zero
    /// slice, whose entries are stored as 0). x must be finite.</summary>
    internal static double Quantize(ReadOnlySpan<double> x, Span<short> destination)
    {
        int n = x.Length;
        if (destination.Length != n) ThrowLengthMismatch(nameof(destination), n, destination.Length);
        if (n == 0) return 0.0;
        double max = Math.Abs(TensorPrimitives.MaxMagnitude(x));
        if (!(max > 0)) { destination.Clear(); return 0.0; }
        double inverse = FullScale / max;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref short pd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(inverse);
            for (; i <= n - 16; i += 16)
            {
                Vector256<int> lo = Vector256.Narrow(Round(Vector256.LoadUnsafe(ref px, (nuint)i), scale), Round(Vector256.LoadUnsafe(ref px, (nuint)(i + 4)), scale));
                Vector256<int> hi = Vector256.Narrow(Round(Vector256.LoadUnsafe(ref px, (nuint)(i + 8)), scale), Round(Vector256.LoadUnsafe(ref px, (nuint)(i + 12)), scale));
                Vector256.Narrow(lo, hi).StoreUnsafe(ref pd, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = (short)Math.Round(Unsafe.Add(ref px, i) * inverse);
        return max / FullScale;
    }

    // |x·inverse| ≤ 32767 (+ rounding), so the integral value converts exactly and narrows without loss.
    private static Vector256<long> Round(Vector256<double> x, Vector256<double> inverse) =>
        Vector256.ConvertToInt64(Vector256.Round(x * inverse));

    /// <summary>Four unscaled dot products Σ_i a_k[i]·x[i] of int16 vectors with one double vector, in one pass over x.</summary>
    internal static void Dot4(ReadOnlySpan<short> a0, ReadOnlySpan<short> a1, ReadOnlySpan<short> a2, ReadOnlySpan<short> a3,
        ReadOnlySpan<double> x, Span<double> destination)
    {
        int n = x.Length;
        if (a0.Length != n || a1.Length != n || a2.Length != n || a3.Length != n) ThrowLengthMismatch(nameof(x), a0.Length, n);
        if (destination.Length < 4) ThrowLengthMismatch(nameof(destination), 4, destination.Length);
        ref short p0 = ref MemoryMarshal.GetReference(a0);
        ref short p1 = ref MemoryMarshal.GetReference(a1);
        ref short p2 = ref MemoryMarshal.GetReference(a2);
        ref short p3 = ref MemoryMarshal.GetReference(a3);
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Wide && n >= 16)
        {
            var c0 = Vector512<double>.Zero; var c1 = Vector512<double>.Zero;
            var c2 = Vector512<double>.Zero; var c3 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var xl = Vector512.LoadUnsafe(ref px, (nuint)i);
                var xh = Vector512.LoadUnsafe(ref px, (nuint)(i + 8));
                c0 = Accumulate(Widen(ref p0, i), xl, xh, c0);
                c1 = Accumulate(Widen(ref p1, i), xl, xh, c1);
                c2 = Accumulate(Widen(ref p2, i), xl, xh, c2);
                c3 = Accumulate(Widen(ref p3, i), xl, xh, c3);
            }
            s0 = Vector512.Sum(c0); s1 = Vector512.Sum(c1); s2 = Vector512.Sum(c2); s3 = Vector512.Sum(c3);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
            var c2 = Vector256<double>.Zero; var c3 = Vector256<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                c0 = Accumulate(ref p0, ref px, i, c0);
                c1 = Accumulate(ref p1, ref px, i, c1);
                c2 = Accumulate(ref p2, ref px, i, c2);
                c3 = Accumulate(ref p3, ref px, i, c3);
            }
            s0 = Vector256.Sum(c0); s1 = Vector256.Sum(c1); s2 = Vector256.Sum(c2); s3 = Vector256.Sum(c3);
        }
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref px, i);
            s0 = Math.FusedMultiplyAdd(Unsafe.Add(ref p0, i), xi, s0);
            s1 = Math.FusedMultiplyAdd(Unsafe.Add(ref p1, i), xi, s1);
            s2 = Math.FusedMultiplyAdd(Unsafe.Add(ref p2, i), xi, s2);
            s3 = Math.FusedMultiplyAdd(Unsafe.Add(ref p3, i), xi, s3);
        }
        destination[0] = s0; destination[1] = s1; destination[2] = s2; destination[3] = s3;
    }

    /// <summary>The unscaled dot product Σ_i a[i]·x[i] of an int16 vector with a double vector.</summary>
    internal static double Dot1(ReadOnlySpan<short> a, ReadOnlySpan<double> x)
    {
        int n = x.Length;
        if (a.Length != n) ThrowLengthMismatch(nameof(a), n, a.Length);
        ref short pa = ref MemoryMarshal.GetReference(a);
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s = 0;
        if (Wide && n >= 16)
        {
            var c = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
                c = Accumulate(Widen(ref pa, i), Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref px, (nuint)(i + 8)), c);
            s = Vector512.Sum(c);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var c = Vector256<double>.Zero;
            for (; i <= n - 16; i += 16) c = Accumulate(ref pa, ref px, i, c);
            s = Vector256.Sum(c);
        }
        for (; i < n; i++) s = Math.FusedMultiplyAdd(Unsafe.Add(ref pa, i), Unsafe.Add(ref px, i), s);
        return s;
    }

    /// <summary>w ← w − (c₀b₀ + c₁b₁ + c₂b₂ + c₃b₃) for int16 vectors b_k (the coefficients carry the slices' scales), in
    /// one pass over w, in double.</summary>
    internal static void SubtractCombination4(ReadOnlySpan<short> b0, ReadOnlySpan<short> b1, ReadOnlySpan<short> b2,
        ReadOnlySpan<short> b3, ReadOnlySpan<double> coefficients, Span<double> w)
    {
        int n = w.Length;
        if (b0.Length != n || b1.Length != n || b2.Length != n || b3.Length != n) ThrowLengthMismatch(nameof(w), b0.Length, n);
        if (coefficients.Length < 4) ThrowLengthMismatch(nameof(coefficients), 4, coefficients.Length);
        double c0 = coefficients[0], c1 = coefficients[1], c2 = coefficients[2], c3 = coefficients[3];
        ref short p0 = ref MemoryMarshal.GetReference(b0);
        ref short p1 = ref MemoryMarshal.GetReference(b1);
        ref short p2 = ref MemoryMarshal.GetReference(b2);
        ref short p3 = ref MemoryMarshal.GetReference(b3);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (Wide && n >= 16)
        {
            var n0 = Vector512.Create(-c0); var n1 = Vector512.Create(-c1);
            var n2 = Vector512.Create(-c2); var n3 = Vector512.Create(-c3);
            for (; i <= n - 16; i += 16)
            {
                var (l0, h0) = Widen(ref p0, i);
                var (l1, h1) = Widen(ref p1, i);
                var (l2, h2) = Widen(ref p2, i);
                var (l3, h3) = Widen(ref p3, i);
                var lo = Vector512.LoadUnsafe(ref pw, (nuint)i);
                var hi = Vector512.LoadUnsafe(ref pw, (nuint)(i + 8));
                lo = Vector512.FusedMultiplyAdd(n3, l3, Vector512.FusedMultiplyAdd(n2, l2, Vector512.FusedMultiplyAdd(n1, l1, Vector512.FusedMultiplyAdd(n0, l0, lo))));
                hi = Vector512.FusedMultiplyAdd(n3, h3, Vector512.FusedMultiplyAdd(n2, h2, Vector512.FusedMultiplyAdd(n1, h1, Vector512.FusedMultiplyAdd(n0, h0, hi))));
                lo.StoreUnsafe(ref pw, (nuint)i);
                hi.StoreUnsafe(ref pw, (nuint)(i + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var n0 = Vector256.Create(-c0); var n1 = Vector256.Create(-c1);
            var n2 = Vector256.Create(-c2); var n3 = Vector256.Create(-c3);
            for (; i <= n - 16; i += 16)
            {
                var q0 = Widen256(ref p0, i); var q1 = Widen256(ref p1, i); var q2 = Widen256(ref p2, i); var q3 = Widen256(ref p3, i);
                for (int k = 0; k < 4; k++)
                {
                    ref double target = ref Unsafe.Add(ref pw, i + 4 * k);
                    var acc = Vector256.LoadUnsafe(ref target);
                    acc = Vector256.FusedMultiplyAdd(n0, Quarter(q0, k), acc);
                    acc = Vector256.FusedMultiplyAdd(n1, Quarter(q1, k), acc);
                    acc = Vector256.FusedMultiplyAdd(n2, Quarter(q2, k), acc);
                    acc = Vector256.FusedMultiplyAdd(n3, Quarter(q3, k), acc);
                    acc.StoreUnsafe(ref target);
                }
            }
        }
        for (; i < n; i++)
        {
            double acc = Unsafe.Add(ref pw, i);
            acc = Math.FusedMultiplyAdd(-c0, Unsafe.Add(ref p0, i), acc);
            acc = Math.FusedMultiplyAdd(-c1, Unsafe.Add(ref p1, i), acc);
            acc = Math.FusedMultiplyAdd(-c2, Unsafe.Add(ref p2, i), acc);
            acc = Math.FusedMultiplyAdd(-c3, Unsafe.Add(ref p3, i), acc);
            Unsafe.Add(ref pw, i) = acc;
        }
    }

    /// <summary>w ← w − c·b for an int16 vector b (c carries the slice's scale), in double.</summary>
    internal static void Subtract(double c, ReadOnlySpan<short> b, Span<double> w)
    {
        int n = w.Length;
        if (b.Length != n) ThrowLengthMismatch(nameof(w), b.Length, n);
        ref short pb = ref MemoryMarshal.GetReference(b);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (Wide && n >= 16)
        {
            var nc = Vector512.Create(-c);
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Widen(ref pb, i);
                Vector512.FusedMultiplyAdd(nc, lo, Vector512.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref pw, (nuint)i);
                Vector512.FusedMultiplyAdd(nc, hi, Vector512.LoadUnsafe(ref pw, (nuint)(i + 8))).StoreUnsafe(ref pw, (nuint)(i + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var nc = Vector256.Create(-c);
            for (; i <= n - 16; i += 16)
            {
                var q = Widen256(ref pb, i);
                for (int k = 0; k < 4; k++)
                {
                    ref double target = ref Unsafe.Add(ref pw, i + 4 * k);
                    Vector256.FusedMultiplyAdd(nc, Quarter(q, k), Vector256.LoadUnsafe(ref target)).StoreUnsafe(ref target);
                }
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pw, i) = Math.FusedMultiplyAdd(-c, Unsafe.Add(ref pb, i), Unsafe.Add(ref pw, i));
    }

    // 16 int16 entries from p[i] as two Vector512<double> (entries i..i+7, i+8..i+15): sign extension, then exact conversions.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Lower, Vector512<double> Upper) Widen(ref short p, int i)
    {
        Vector512<int> q = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref p, (nuint)i));
        return (Avx512F.ConvertToVector512Double(q.GetLower()), Avx512F.ConvertToVector512Double(q.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Accumulate((Vector512<double> Lower, Vector512<double> Upper) a, Vector512<double> xl, Vector512<double> xh, Vector512<double> c) =>
        Vector512.FusedMultiplyAdd(a.Upper, xh, Vector512.FusedMultiplyAdd(a.Lower, xl, c));

    // The Vector256 path: 16 int16 entries widened to 4 × 4 doubles through int32 and int64 (exact).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int> Lower, Vector256<int> Upper) Widen256(ref short p, int i)
    {
        var q = Vector256.LoadUnsafe(ref p, (nuint)i);
        return (Vector256.WidenLower(q), Vector256.WidenUpper(q));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Quarter((Vector256<int> Lower, Vector256<int> Upper) q, int k) => k switch
    {
        0 => Vector256.ConvertToDouble(Vector256.WidenLower(q.Lower)),
        1 => Vector256.ConvertToDouble(Vector256.WidenUpper(q.Lower)),
        2 => Vector256.ConvertToDouble(Vector256.WidenLower(q.Upper)),
        _ => Vector256.ConvertToDouble(Vector256.WidenUpper(q.Upper)),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Accumulate(ref short p, ref double px, int i, Vector256<double> c)
    {
        var q = Widen256(ref p, i);
        for (int k = 0; k < 4; k++) c = Vector256.FusedMultiplyAdd(Quarter(q, k), Vector256.LoadUnsafe(ref px, (nuint)(i + 4 * k)), c);
        return c;
    }

    private static void ThrowLengthMismatch(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);

    /// <summary>Scalar twins: the reference semantics of each kernel, one element at a time, in double.</summary>
    internal static class Reference
    {
        internal static double Quantize(ReadOnlySpan<double> x, Span<short> destination)
        {
            double max = 0;
            foreach (double v in x) max = Math.Max(max, Math.Abs(v));
            if (max == 0) { destination.Clear(); return 0.0; }
            double inverse = FullScale / max;
            for (int i = 0; i < x.Length; i++) destination[i] = (short)Math.Round(x[i] * inverse);
            return max / FullScale;
        }

        internal static double Dot(ReadOnlySpan<short> a, ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += a[i] * x[i];
            return s;
        }

        internal static void SubtractCombination(ReadOnlySpan<double> coefficients, Span<double> w, params short[][] b)
        {
            for (int i = 0; i < w.Length; i++)
                for (int k = 0; k < b.Length; k++) w[i] -= coefficients[k] * b[k][i];
        }
    }
}
