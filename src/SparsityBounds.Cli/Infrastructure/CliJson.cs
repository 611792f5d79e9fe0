using System.Text.Json;
using System.Text.Json.Serialization;

namespace SparsityBounds.Cli.Infrastructure;

/// <summary>The JSON form of every result: camelCase, indented, enums as strings, NaN/±∞ as the strings "NaN", "Infinity", "-Infinity".</summary>
internal static class CliJson
{
    /// <summary>The serializer options used for all output.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serializes <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
