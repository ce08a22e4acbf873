using System.Collections;
using System.Reflection;
using LeadSync.Domain.Lifecycle;
using Microsoft.Extensions.Configuration;

namespace LeadSync.Worker.Configuration;

/// <summary>
/// What an admin leaves out of a rules section keeps its default. The binder starts every section from a new instance
/// (so a list the admin gives replaces the default list instead of appending to it), which would also empty every
/// default the admin did not mention: one <c>Lifecycle:StatusMap</c> entry used to remove every stage rule. This puts
/// back, key by key, each property the section does not name — lists and maps whole, nested objects recursively.
/// </summary>
public static class SectionDefaults
{
    public static T FillAbsent<T>(T bound, T defaults, IConfigurationSection section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(section);
        Fill(bound, defaults, section);
        return bound;
    }

    private static void Fill(object bound, object defaults, IConfigurationSection section)
    {
        foreach (var property in bound.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || !property.CanWrite || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var child = section.GetSection(property.Name);
            var fallback = property.GetValue(defaults);
            if (!child.Exists())
            {
                property.SetValue(bound, fallback);
            }
            else if (IsObjectSection(property.PropertyType) && property.GetValue(bound) is { } nested && fallback is not null)
            {
                Fill(nested, fallback, child);
            }
        }
    }

    /// <summary>
    /// A nested options object (not a scalar, a list or a map): its own keys are filled one by one. Value maps are not:
    /// <see cref="LifecycleOptions.WithDefaultMaps"/> lays them over the defaults itself, honouring their Replace flag.
    /// </summary>
    private static bool IsObjectSection(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(ValueMapOptions) && !typeof(IEnumerable).IsAssignableFrom(type);
}
