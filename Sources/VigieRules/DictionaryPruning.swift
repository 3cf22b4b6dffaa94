// Per-frame pruning of the rules' per-track and per-object dictionaries.

extension Dictionary {
    /// Removes, in place, the entries for which `isRemoved` holds; `keys` is scratch storage
    /// (a dictionary rebuilt by `filter` every frame would allocate every frame).
    mutating func removeValues(collectingKeysIn keys: inout [Key], where isRemoved: (Key, Value) -> Bool) {
        keys.removeAll(keepingCapacity: true)
        for (key, value) in self where isRemoved(key, value) { keys.append(key) }
        for key in keys { removeValue(forKey: key) }
    }
}
