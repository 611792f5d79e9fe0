using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SparsityBounds.Cli.Npy;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0; NumPy's <c>numpy/lib/format.py</c> describes the
/// layout): the magic <c>\x93NUMPY</c>, a version, a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python
/// dict literal <c>{'descr': ..., 'fortran_order': ..., 'shape': (...)}</c>, then the raw data.
/// </summary>
/// <remarks>
/// Accepted: little-endian numeric dtypes <c>&lt;f2 &lt;f4 &lt;f8 |b1 |u1 |i1 &lt;i2 &lt;u2 &lt;i4 &lt;u4 &lt;i8</c>, C order, 1-D or 2-D.
/// Everything else is refused with an <see cref="NpyFormatException"/> that says what is wrong and how to re-save the
/// array: big-endian data, Fortran order (2-D), object/string/complex/structured dtypes, 0-D or 3-D+ shapes, a
/// truncated or over-long data section, int64 values beyond ±2^53 (not exact in double). Never a silent misread.
/// </remarks>
internal static class NpyReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="NpyFormatException">The file is not a readable .npy array (the message says why).</exception>
    public static NpyArray Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads one array from <paramref name="stream"/>, which must end right after the data.</summary>
    /// <param name="stream">The .npy bytes.</param>
    /// <param name="source">A name for messages (the file path).</param>
    /// <exception cref="NpyFormatException">Not a readable .npy array.</exception>
    public static NpyArray Read(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[8];
        int got = ReadAtMost(stream, prefix);
        if (got >= 4 && prefix[0] == (byte)'P' && prefix[1] == (byte)'K' && prefix[2] == 3 && prefix[3] == 4)
            throw new NpyFormatException(source, "this is a zip archive (.npz?), not a .npy file: save each array with np.save(path, array).");
        if (got < 8 || !prefix[..6].SequenceEqual(Magic))
            throw new NpyFormatException(source, "not a NumPy .npy file (it does not start with the \\x93NUMPY magic); write it with np.save(path, array).");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new NpyFormatException(source, $"unsupported .npy format version {major}.{minor} (versions 1.0, 2.0 and 3.0 are supported).");

        int lengthBytes = major == 1 ? 2 : 4;
        Span<byte> lengthField = stackalloc byte[4];
        if (ReadAtMost(stream, lengthField[..lengthBytes]) < lengthBytes)
            throw new NpyFormatException(source, "truncated: the file ends inside the header length field.");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > 1 << 20)
            throw new NpyFormatException(source, $"the header claims {headerLength} bytes, more than any NumPy header; the file is corrupt.");
        var headerBytes = new byte[headerLength];
        if (ReadAtMost(stream, headerBytes) < headerLength)
            throw new NpyFormatException(source, $"truncated: the header should be {headerLength} bytes but the file ends before.");
        string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        var (dtype, fortranOrder, shape) = ParseHeader(header, source);
        if (shape.Length is 0 or > 2)
            throw new NpyFormatException(source, $"arrays must be 1-D or 2-D, but this one has shape {ShapeText(shape)}.");
        if (fortranOrder && shape.Length == 2 && shape[0] > 1 && shape[1] > 1)
            throw new NpyFormatException(source,
                "the data are in Fortran (column-major) order; save a C-ordered copy: np.save(path, np.ascontiguousarray(a)).");

        long count = 1;
        foreach (long n in shape) count *= n;
        if (count > Array.MaxLength)
            throw new NpyFormatException(source, $"shape {ShapeText(shape)} has {count} elements, more than one array can hold here.");
        int itemSize = NpyArray.ItemSize(dtype);
        long expectedBytes = count * itemSize;

        var values = new double[count];
        var buffer = new byte[(int)Math.Min(Math.Max(expectedBytes, 1), 1 << 20) / itemSize * itemSize + itemSize];
        long done = 0;
        while (done < count)
        {
            int chunk = (int)Math.Min(count - done, buffer.Length / itemSize);
            int bytes = chunk * itemSize;
            int read = ReadAtMost(stream, buffer.AsSpan(0, bytes));
            if (read < bytes)
            {
                long found = done * itemSize + read;
                throw new NpyFormatException(source,
                    $"truncated: shape {ShapeText(shape)} of {NpyArray.DescriptorOf(dtype)} needs {expectedBytes} data bytes, but the file holds {found}.");
            }
            Convert(buffer.AsSpan(0, bytes), dtype, values.AsSpan((int)done, chunk), done, source);
            done += chunk;
        }
        Span<byte> extra = stackalloc byte[1];
        if (ReadAtMost(stream, extra) > 0)
        {
            long trailing = 1;
            if (stream.CanSeek) trailing = stream.Length - stream.Position + 1;
            throw new NpyFormatException(source,
                $"{trailing} unexpected byte(s) after the {expectedBytes} data bytes of shape {ShapeText(shape)} (several arrays in one file?); save one array per file.");
        }
        return new NpyArray(source, dtype, Array.ConvertAll(shape, n => (int)n), values, major);
    }

    private static void Convert(ReadOnlySpan<byte> bytes, NpyDType dtype, Span<double> destination, long offset, string source)
    {
        const long exactLimit = 1L << 53;
        for (int i = 0; i < destination.Length; i++)
        {
            switch (dtype)
            {
                case NpyDType.Bool:
                    byte b = bytes[i];
                    if (b > 1)
                        throw new NpyFormatException(source, $"element {offset + i} of the bool array is the byte {b}, not 0 or 1: the file is corrupt.");
                    destination[i] = b;
                    break;
                case NpyDType.UInt8: destination[i] = bytes[i]; break;
                case NpyDType.Int8: destination[i] = (sbyte)bytes[i]; break;
                case NpyDType.Int16: destination[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]); break;
                case NpyDType.UInt16: destination[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]); break;
                case NpyDType.Int32: destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]); break;
                case NpyDType.UInt32: destination[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]); break;
                case NpyDType.Int64:
                    long l = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                    if (l > exactLimit || l < -exactLimit)
                        throw new NpyFormatException(source, $"element {offset + i} is {l}, beyond ±2^53 where int64 is not exact as a double.");
                    destination[i] = l;
                    break;
                case NpyDType.Float16: destination[i] = (double)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]); break;
                case NpyDType.Float32: destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]); break;
                case NpyDType.Float64: destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]); break;
                default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype");
            }
        }
    }

    private static int ReadAtMost(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = stream.Read(destination[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static string ShapeText(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>Parses the header dict; exactly the keys descr, fortran_order and shape, as NumPy requires.</summary>
    internal static (NpyDType DType, bool FortranOrder, long[] Shape) ParseHeader(string header, string source)
    {
        object? parsed;
        try
        {
            var parser = new LiteralParser(header.TrimEnd('\n', ' ', '\0', '\r'));
            parsed = parser.ParseValue();
            parser.ExpectEnd();
        }
        catch (FormatException e)
        {
            throw new NpyFormatException(source, $"the header is not a valid Python dict literal ({e.Message}).");
        }
        if (parsed is not Dictionary<string, object?> dict)
            throw new NpyFormatException(source, "the header is not a dict.");
        foreach (string key in dict.Keys)
            if (key is not ("descr" or "fortran_order" or "shape"))
                throw new NpyFormatException(source, $"unexpected header key '{key}' (only descr, fortran_order and shape are allowed).");
        foreach (string key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key))
                throw new NpyFormatException(source, $"the header has no '{key}' entry.");

        NpyDType dtype = dict["descr"] switch
        {
            string descr => ParseDescriptor(descr, source),
            List<object?> => throw new NpyFormatException(source,
                "structured (record) dtypes are not supported; save a plain numeric array, one array per file."),
            var other => throw new NpyFormatException(source, $"unexpected descr value {other}."),
        };
        if (dict["fortran_order"] is not bool fortranOrder)
            throw new NpyFormatException(source, "fortran_order must be True or False.");
        if (dict["shape"] is not Tuple shapeTuple)
            throw new NpyFormatException(source, "shape must be a tuple of integers.");
        var shape = new long[shapeTuple.Items.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeTuple.Items[i] is not long n || n < 0)
                throw new NpyFormatException(source, "shape must be a tuple of non-negative integers.");
            if (n > int.MaxValue)
                throw new NpyFormatException(source, $"dimension {n} is too large.");
            shape[i] = n;
        }
        return (dtype, fortranOrder, shape);
    }

    /// <summary>Maps a NumPy type descriptor such as <c>&lt;f8</c> to a supported dtype, or explains why not.</summary>
    internal static NpyDType ParseDescriptor(string descr, string source)
    {
        if (descr.Length < 2)
            throw new NpyFormatException(source, $"unknown dtype '{descr}'.");
        char order = descr[0];
        string code = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        if (code.StartsWith('O'))
            throw new NpyFormatException(source,
                "object arrays (dtype=object, stored with pickle) are not supported; convert to a numeric dtype first, e.g. np.save(path, a.astype(np.float64)).");
        if (code.StartsWith('U') || code.StartsWith('S') || code.StartsWith('a'))
            throw new NpyFormatException(source, $"string arrays ({descr}) are not supported; save numbers.");
        if (code.StartsWith('c'))
            throw new NpyFormatException(source, $"complex arrays ({descr}) are not supported; a real symmetric Hessian has real eigenvalues: save a.real.");
        if (code.StartsWith('V'))
            throw new NpyFormatException(source, $"void/structured dtypes ({descr}) are not supported.");
        NpyDType? dtype = code switch
        {
            "b1" => NpyDType.Bool,
            "u1" => NpyDType.UInt8,
            "i1" => NpyDType.Int8,
            "i2" => NpyDType.Int16,
            "u2" => NpyDType.UInt16,
            "i4" => NpyDType.Int32,
            "u4" => NpyDType.UInt32,
            "i8" => NpyDType.Int64,
            "f2" => NpyDType.Float16,
            "f4" => NpyDType.Float32,
            "f8" => NpyDType.Float64,
            _ => null,
        };
        if (dtype is null)
            throw new NpyFormatException(source,
                $"dtype '{descr}' is not supported (use float64 '<f8', float32 '<f4', bool '|b1', uint8, int32 or int64).");
        int size = NpyArray.ItemSize(dtype.Value);
        if (size > 1 && order == '>')
            throw new NpyFormatException(source,
                $"big-endian data ('{descr}') are not supported; save a little-endian copy: np.save(path, a.astype('<{code}')).");
        if (size > 1 && order == '=')
            throw new NpyFormatException(source,
                $"dtype '{descr}' does not say its byte order; save with an explicit little-endian dtype: a.astype('<{code}').");
        if (size > 1 && order != '<')
            throw new NpyFormatException(source, $"dtype '{descr}' has no byte-order mark; expected '<{code}'.");
        return dtype.Value;
    }

    /// <summary>A parsed Python tuple (distinguished from a list: shapes are tuples, structured descrs lists).</summary>
    private sealed record Tuple(List<object?> Items);

    /// <summary>The subset of Python literal syntax NumPy headers use: dicts, tuples, lists, strings, ints, True/False/None.</summary>
    private sealed class LiteralParser(string text)
    {
        private int _position;

        public object? ParseValue()
        {
            SkipSpace();
            if (_position >= text.Length) throw new FormatException("unexpected end");
            char c = text[_position];
            switch (c)
            {
                case '{': return ParseDict();
                case '(': return new Tuple(ParseSequence('(', ')'));
                case '[': return ParseSequence('[', ']');
                case '\'' or '"': return ParseString();
            }
            if (c == '-' || char.IsAsciiDigit(c)) return ParseInteger();
            if (TryWord("True")) return true;
            if (TryWord("False")) return false;
            if (TryWord("None")) return null;
            throw new FormatException($"unexpected '{c}' at offset {_position}");
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_position != text.Length) throw new FormatException($"unexpected text after the dict at offset {_position}");
        }

        private Dictionary<string, object?> ParseDict()
        {
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            _position++;
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _position++; return dict; }
                if (ParseValue() is not string key) throw new FormatException("dict keys must be strings");
                SkipSpace();
                if (Peek() != ':') throw new FormatException($"expected ':' at offset {_position}");
                _position++;
                if (!dict.TryAdd(key, ParseValue())) throw new FormatException($"duplicate key '{key}'");
                SkipSpace();
                if (Peek() == ',') { _position++; continue; }
                if (Peek() == '}') { _position++; return dict; }
                throw new FormatException($"expected ',' or '}}' at offset {_position}");
            }
        }

        private List<object?> ParseSequence(char open, char close)
        {
            var items = new List<object?>();
            _position++;
            while (true)
            {
                SkipSpace();
                if (Peek() == close) { _position++; return items; }
                items.Add(ParseValue());
                SkipSpace();
                if (Peek() == ',') { _position++; continue; }
                if (Peek() == close) { _position++; return items; }
                throw new FormatException($"expected ',' or '{close}' at offset {_position}");
            }
        }

        private string ParseString()
        {
            char quote = text[_position++];
            var sb = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                if (text[_position] == '\\') _position++;
                if (_position < text.Length) sb.Append(text[_position++]);
            }
            if (_position >= text.Length) throw new FormatException("unterminated string");
            _position++;
            return sb.ToString();
        }

        private long ParseInteger()
        {
            int start = _position;
            if (text[_position] == '-') _position++;
            while (_position < text.Length && char.IsAsciiDigit(text[_position])) _position++;
            if (_position < text.Length && text[_position] == 'L') _position++;   // Python 2 long suffix in old files
            string digits = text[start.._position].TrimEnd('L');
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                throw new FormatException($"bad integer '{digits}'");
            return value;
        }

        private bool TryWord(string word)
        {
            if (string.CompareOrdinal(text, _position, word, 0, word.Length) != 0) return false;
            _position += word.Length;
            return true;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
        }
    }
}
