using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>A storage element that widens exactly to double (double itself, float32, int16), 16 entries at a time.</summary>
internal interface IWidening<T> where T : unmanaged
{
    /// <summary>Whether the Vector512 path is taken (<see cref="MatrixKernels.UseVector512"/> and the instructions it needs).</summary>
    static abstract bool UseVector512 { get; }

    /// <summary>Entries i..i+15 as two Vector512 (i..i+7, i+8..i+15).</summary>
    static abstract (Vector512<double> Lower, Vector512<double> Upper) Widen512(ref T p, nuint i);

    /// <summary>Entries i..i+15 as four Vector256 (four entries each, in order).</summary>
    static abstract (Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) Widen256(ref T p, nuint i);

    /// <summary>One entry.</summary>
    static abstract double Widen(T value);
}

/// <summary>double entries (the identity: a double basis goes through the same kernels as the narrower storages).</summary>
internal readonly struct DoubleWidening : IWidening<double>
{
    public static bool UseVector512 => MatrixKernels.UseVector512;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Lower, Vector512<double> Upper) Widen512(ref double p, nuint i) =>
        (Vector512.LoadUnsafe(ref p, i), Vector512.LoadUnsafe(ref p, i + 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) Widen256(ref double p, nuint i) =>
        (Vector256.LoadUnsafe(ref p, i), Vector256.LoadUnsafe(ref p, i + 4), Vector256.LoadUnsafe(ref p, i + 8), Vector256.LoadUnsafe(ref p, i + 12));

    public static double Widen(double value) => value;
}

/// <summary>float32 entries: one conversion instruction per 8 entries.</summary>
internal readonly struct SingleWidening : IWidening<float>
{
    public static bool UseVector512 => MatrixKernels.UseVector512;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Lower, Vector512<double> Upper) Widen512(ref float p, nuint i)
    {
        var b = Vector512.LoadUnsafe(ref p, i);
        return (Vector512.WidenLower(b), Vector512.WidenUpper(b));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) Widen256(ref float p, nuint i)
    {
        var lo = Vector256.LoadUnsafe(ref p, i);
        var hi = Vector256.LoadUnsafe(ref p, i + 8);
        return (Vector256.WidenLower(lo), Vector256.WidenUpper(lo), Vector256.WidenLower(hi), Vector256.WidenUpper(hi));
    }

    public static double Widen(float value) => value;
}

/// <summary>int16 entries: a sign extension and two conversions per 16 entries (AVX-512F), through int32 and int64 on
/// the Vector256 path.</summary>
internal readonly struct Int16Widening : IWidening<short>
{
    public static bool UseVector512 => MatrixKernels.UseVector512 && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<double> Lower, Vector512<double> Upper) Widen512(ref short p, nuint i)
    {
        Vector512<int> q = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref p, i));
        return (Avx512F.ConvertToVector512Double(q.GetLower()), Avx512F.ConvertToVector512Double(q.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) Widen256(ref short p, nuint i)
    {
        var q = Vector256.LoadUnsafe(ref p, i);
        Vector256<int> lo = Vector256.WidenLower(q), hi = Vector256.WidenUpper(q);
        return (Vector256.ConvertToDouble(Vector256.WidenLower(lo)), Vector256.ConvertToDouble(Vector256.WidenUpper(lo)),
                Vector256.ConvertToDouble(Vector256.WidenLower(hi)), Vector256.ConvertToDouble(Vector256.WidenUpper(hi)));
    }

    public static double Widen(short value) => value;
}

/// <summary>
/// Dot products and combinations between stored vectors (<see cref="IWidening{T}"/>: double, float32, int16) and double
/// working vectors, every product and sum in double (the widening is exact): the passes of classical Gram–Schmidt over a
/// stored basis (<see cref="BasisOrthogonalizer"/>), and the kernels behind <see cref="MixedPrecisionKernels"/> and
/// <see cref="ScaledInt16Kernels"/>. Dot1 follows Dot4's summation order, so either gives bitwise the same sum. Vector512 where the storage's
/// <see cref="IWidening{T}.UseVector512"/> holds, else Vector256, 16 entries per iteration, then a scalar tail.
/// </summary>
internal static class WideningKernels
{
    /// <summary>Four dot products (a_kᵀx) in one pass over x, summed in double.</summary>
    internal static void Dot4<TW, T>(ReadOnlySpan<T> a0, ReadOnlySpan<T> a1, ReadOnlySpan<T> a2, ReadOnlySpan<T> a3,
        ReadOnlySpan<double> x, Span<double> destination) where TW : struct, IWidening<T> where T : unmanaged
    {
        int n = x.Length;
        if (a0.Length != n || a1.Length != n || a2.Length != n || a3.Length != n) ThrowLengthMismatch(nameof(x), a0.Length, n);
        if (destination.Length < 4) ThrowLengthMismatch(nameof(destination), 4, destination.Length);
        ref T p0 = ref MemoryMarshal.GetReference(a0);
        ref T p1 = ref MemoryMarshal.GetReference(a1);
        ref T p2 = ref MemoryMarshal.GetReference(a2);
        ref T p3 = ref MemoryMarshal.GetReference(a3);
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (TW.UseVector512 && n >= 16)
        {
            var c0 = Vector512<double>.Zero; var c1 = Vector512<double>.Zero;
            var c2 = Vector512<double>.Zero; var c3 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var xl = Vector512.LoadUnsafe(ref px, (nuint)i);
                var xh = Vector512.LoadUnsafe(ref px, (nuint)(i + 8));
                c0 = Accumulate(TW.Widen512(ref p0, (nuint)i), xl, xh, c0);
                c1 = Accumulate(TW.Widen512(ref p1, (nuint)i), xl, xh, c1);
                c2 = Accumulate(TW.Widen512(ref p2, (nuint)i), xl, xh, c2);
                c3 = Accumulate(TW.Widen512(ref p3, (nuint)i), xl, xh, c3);
            }
            s0 = Vector512.Sum(c0); s1 = Vector512.Sum(c1); s2 = Vector512.Sum(c2); s3 = Vector512.Sum(c3);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
            var c2 = Vector256<double>.Zero; var c3 = Vector256<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var x4 = Load4(ref px, i);
                c0 = Accumulate(TW.Widen256(ref p0, (nuint)i), x4, c0);
                c1 = Accumulate(TW.Widen256(ref p1, (nuint)i), x4, c1);
                c2 = Accumulate(TW.Widen256(ref p2, (nuint)i), x4, c2);
                c3 = Accumulate(TW.Widen256(ref p3, (nuint)i), x4, c3);
            }
            s0 = Vector256.Sum(c0); s1 = Vector256.Sum(c1); s2 = Vector256.Sum(c2); s3 = Vector256.Sum(c3);
        }
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref px, i);
            s0 = Math.FusedMultiplyAdd(TW.Widen(Unsafe.Add(ref p0, i)), xi, s0);
            s1 = Math.FusedMultiplyAdd(TW.Widen(Unsafe.Add(ref p1, i)), xi, s1);
            s2 = Math.FusedMultiplyAdd(TW.Widen(Unsafe.Add(ref p2, i)), xi, s2);
            s3 = Math.FusedMultiplyAdd(TW.Widen(Unsafe.Add(ref p3, i)), xi, s3);
        }
        destination[0] = s0; destination[1] = s1; destination[2] = s2; destination[3] = s3;
    }

    /// <summary>aᵀx, summed in double.</summary>
    internal static double Dot1<TW, T>(ReadOnlySpan<T> a, ReadOnlySpan<double> x) where TW : struct, IWidening<T> where T : unmanaged
    {
        int n = x.Length;
        if (a.Length != n) ThrowLengthMismatch(nameof(a), n, a.Length);
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s = 0;
        if (TW.UseVector512 && n >= 16)
        {
            var c = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
                c = Accumulate(TW.Widen512(ref pa, (nuint)i), Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref px, (nuint)(i + 8)), c);
            s = Vector512.Sum(c);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var c = Vector256<double>.Zero;
            for (; i <= n - 16; i += 16) c = Accumulate(TW.Widen256(ref pa, (nuint)i), Load4(ref px, i), c);
            s = Vector256.Sum(c);
        }
        for (; i < n; i++) s = Math.FusedMultiplyAdd(TW.Widen(Unsafe.Add(ref pa, i)), Unsafe.Add(ref px, i), s);
        return s;
    }

    /// <summary>w ← w − (c₀b₀ + c₁b₁ + c₂b₂ + c₃b₃), in one pass over w, in double (the four terms in that order per entry).</summary>
    internal static void SubtractCombination4<TW, T>(ReadOnlySpan<T> b0, ReadOnlySpan<T> b1, ReadOnlySpan<T> b2, ReadOnlySpan<T> b3,
        ReadOnlySpan<double> coefficients, Span<double> w) where TW : struct, IWidening<T> where T : unmanaged
    {
        int n = w.Length;
        if (b0.Length != n || b1.Length != n || b2.Length != n || b3.Length != n) ThrowLengthMismatch(nameof(w), b0.Length, n);
        if (coefficients.Length < 4) ThrowLengthMismatch(nameof(coefficients), 4, coefficients.Length);
        double c0 = coefficients[0], c1 = coefficients[1], c2 = coefficients[2], c3 = coefficients[3];
        ref T p0 = ref MemoryMarshal.GetReference(b0);
        ref T p1 = ref MemoryMarshal.GetReference(b1);
        ref T p2 = ref MemoryMarshal.GetReference(b2);
        ref T p3 = ref MemoryMarshal.GetReference(b3);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (TW.UseVector512 && n >= 16)
        {
            var n0 = Vector512.Create(-c0); var n1 = Vector512.Create(-c1);
            var n2 = Vector512.Create(-c2); var n3 = Vector512.Create(-c3);
            for (; i <= n - 16; i += 16)
            {
                var (l0, h0) = TW.Widen512(ref p0, (nuint)i);
                var (l1, h1) = TW.Widen512(ref p1, (nuint)i);
                var (l2, h2) = TW.Widen512(ref p2, (nuint)i);
                var (l3, h3) = TW.Widen512(ref p3, (nuint)i);
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
                var q0 = TW.Widen256(ref p0, (nuint)i);
                var q1 = TW.Widen256(ref p1, (nuint)i);
                var q2 = TW.Widen256(ref p2, (nuint)i);
                var q3 = TW.Widen256(ref p3, (nuint)i);
                Subtract4(ref pw, i, n0, q0.Q0, n1, q1.Q0, n2, q2.Q0, n3, q3.Q0);
                Subtract4(ref pw, i + 4, n0, q0.Q1, n1, q1.Q1, n2, q2.Q1, n3, q3.Q1);
                Subtract4(ref pw, i + 8, n0, q0.Q2, n1, q1.Q2, n2, q2.Q2, n3, q3.Q2);
                Subtract4(ref pw, i + 12, n0, q0.Q3, n1, q1.Q3, n2, q2.Q3, n3, q3.Q3);
            }
        }
        for (; i < n; i++)
        {
            double acc = Unsafe.Add(ref pw, i);
            acc = Math.FusedMultiplyAdd(-c0, TW.Widen(Unsafe.Add(ref p0, i)), acc);
            acc = Math.FusedMultiplyAdd(-c1, TW.Widen(Unsafe.Add(ref p1, i)), acc);
            acc = Math.FusedMultiplyAdd(-c2, TW.Widen(Unsafe.Add(ref p2, i)), acc);
            acc = Math.FusedMultiplyAdd(-c3, TW.Widen(Unsafe.Add(ref p3, i)), acc);
            Unsafe.Add(ref pw, i) = acc;
        }
    }

    /// <summary>w ← w − c·b, in double.</summary>
    internal static void Subtract<TW, T>(double c, ReadOnlySpan<T> b, Span<double> w) where TW : struct, IWidening<T> where T : unmanaged
    {
        int n = w.Length;
        if (b.Length != n) ThrowLengthMismatch(nameof(w), b.Length, n);
        ref T pb = ref MemoryMarshal.GetReference(b);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (TW.UseVector512 && n >= 16)
        {
            var nc = Vector512.Create(-c);
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = TW.Widen512(ref pb, (nuint)i);
                Vector512.FusedMultiplyAdd(nc, lo, Vector512.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref pw, (nuint)i);
                Vector512.FusedMultiplyAdd(nc, hi, Vector512.LoadUnsafe(ref pw, (nuint)(i + 8))).StoreUnsafe(ref pw, (nuint)(i + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            var nc = Vector256.Create(-c);
            for (; i <= n - 16; i += 16)
            {
                var q = TW.Widen256(ref pb, (nuint)i);
                Vector256.FusedMultiplyAdd(nc, q.Q0, Vector256.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref pw, (nuint)i);
                Vector256.FusedMultiplyAdd(nc, q.Q1, Vector256.LoadUnsafe(ref pw, (nuint)(i + 4))).StoreUnsafe(ref pw, (nuint)(i + 4));
                Vector256.FusedMultiplyAdd(nc, q.Q2, Vector256.LoadUnsafe(ref pw, (nuint)(i + 8))).StoreUnsafe(ref pw, (nuint)(i + 8));
                Vector256.FusedMultiplyAdd(nc, q.Q3, Vector256.LoadUnsafe(ref pw, (nuint)(i + 12))).StoreUnsafe(ref pw, (nuint)(i + 12));
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pw, i) = Math.FusedMultiplyAdd(-c, TW.Widen(Unsafe.Add(ref pb, i)), Unsafe.Add(ref pw, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Accumulate((Vector512<double> Lower, Vector512<double> Upper) a, Vector512<double> xl, Vector512<double> xh, Vector512<double> c) =>
        Vector512.FusedMultiplyAdd(a.Upper, xh, Vector512.FusedMultiplyAdd(a.Lower, xl, c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) Load4(ref double p, int i) =>
        (Vector256.LoadUnsafe(ref p, (nuint)i), Vector256.LoadUnsafe(ref p, (nuint)(i + 4)),
         Vector256.LoadUnsafe(ref p, (nuint)(i + 8)), Vector256.LoadUnsafe(ref p, (nuint)(i + 12)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Accumulate((Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) a,
        (Vector256<double> Q0, Vector256<double> Q1, Vector256<double> Q2, Vector256<double> Q3) x, Vector256<double> c) =>
        Vector256.FusedMultiplyAdd(a.Q3, x.Q3, Vector256.FusedMultiplyAdd(a.Q2, x.Q2, Vector256.FusedMultiplyAdd(a.Q1, x.Q1, Vector256.FusedMultiplyAdd(a.Q0, x.Q0, c))));

    // w[i..i+3] −= c₀b₀ + c₁b₁ + c₂b₂ + c₃b₃ (negated coefficients), the terms in that order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract4(ref double pw, int i, Vector256<double> n0, Vector256<double> b0, Vector256<double> n1, Vector256<double> b1,
        Vector256<double> n2, Vector256<double> b2, Vector256<double> n3, Vector256<double> b3)
    {
        var acc = Vector256.LoadUnsafe(ref pw, (nuint)i);
        acc = Vector256.FusedMultiplyAdd(n3, b3, Vector256.FusedMultiplyAdd(n2, b2, Vector256.FusedMultiplyAdd(n1, b1, Vector256.FusedMultiplyAdd(n0, b0, acc))));
        acc.StoreUnsafe(ref pw, (nuint)i);
    }

    private static void ThrowLengthMismatch(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
}
