using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Fused kernels of the Krylov and eigenvalue code: the plane (Givens) rotation of two rows used by the
/// tridiagonal QL iteration, and the two-vector subtraction of the Householder reduction (the Gram–Schmidt passes over a
/// stored basis use <see cref="WideningKernels"/>). Each has a scalar twin in <see cref="Reference"/> that defines its semantics.
/// </summary>
internal static class KrylovKernels
{
    /// <summary>
    /// Rotates two rows in place: x ← c·x − s·y, y ← s·x + c·y (the rotation [c −s; s c] applied to the pair).
    /// </summary>
    internal static void Rotate(double c, double s, Span<double> x, Span<double> y)
    {
        int n = x.Length;
        if (y.Length != n) ThrowLengthMismatch(nameof(y), n, y.Length);
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
        {
            var vc = Vector256.Create(c);
            var vs = Vector256.Create(s);
            var ns = Vector256.Create(-s);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref px, (nuint)i);
                var b = Vector256.LoadUnsafe(ref py, (nuint)i);
                Vector256.FusedMultiplyAdd(vc, a, ns * b).StoreUnsafe(ref px, (nuint)i);
                Vector256.FusedMultiplyAdd(vs, a, vc * b).StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double a = Unsafe.Add(ref px, i);
            double b = Unsafe.Add(ref py, i);
            Unsafe.Add(ref px, i) = Math.FusedMultiplyAdd(c, a, -s * b);
            Unsafe.Add(ref py, i) = Math.FusedMultiplyAdd(s, a, c * b);
        }
    }

    /// <summary>w ← w − (c₀b₀ + c₁b₁) in one pass over w: the symmetric rank-2 update of a Householder reduction, one row at a time.</summary>
    internal static void SubtractCombination2(double c0, ReadOnlySpan<double> b0, double c1, ReadOnlySpan<double> b1, Span<double> w)
    {
        int n = w.Length;
        if (b0.Length != n || b1.Length != n) ThrowLengthMismatch(nameof(w), b0.Length, n);
        ref double p0 = ref MemoryMarshal.GetReference(b0);
        ref double p1 = ref MemoryMarshal.GetReference(b1);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
        {
            var n0 = Vector256.Create(-c0);
            var n1 = Vector256.Create(-c1);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var acc = Vector256.LoadUnsafe(ref pw, (nuint)i);
                acc = Vector256.FusedMultiplyAdd(n0, Vector256.LoadUnsafe(ref p0, (nuint)i), acc);
                acc = Vector256.FusedMultiplyAdd(n1, Vector256.LoadUnsafe(ref p1, (nuint)i), acc);
                acc.StoreUnsafe(ref pw, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref pw, i) = Math.FusedMultiplyAdd(-c1, Unsafe.Add(ref p1, i), Math.FusedMultiplyAdd(-c0, Unsafe.Add(ref p0, i), Unsafe.Add(ref pw, i)));
    }

    private static void ThrowLengthMismatch(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);

    /// <summary>Scalar twins: the reference semantics of each kernel, one element at a time.</summary>
    internal static class Reference
    {
        internal static void Rotate(double c, double s, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double a = x[i], b = y[i];
                x[i] = c * a - s * b;
                y[i] = s * a + c * b;
            }
        }

        internal static void SubtractCombination2(double c0, ReadOnlySpan<double> b0, double c1, ReadOnlySpan<double> b1, Span<double> w)
        {
            for (int i = 0; i < w.Length; i++) w[i] -= c0 * b0[i] + c1 * b1[i];
        }
    }
}
