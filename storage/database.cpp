// placeholder, replaced by the storage layer
