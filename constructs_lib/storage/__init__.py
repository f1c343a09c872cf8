"""Storage: SecureS3, AccessLogBucket, ServiceIdentity and the bucket helpers they share.

Kept free of imports so importing one module does not load the rest of the domain."""
