// Vite handles style imports: they have no exports.
declare module "*.css";
