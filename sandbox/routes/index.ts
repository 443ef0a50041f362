import { accountRoutes } from './account';
import { callRoutes } from './calls';
import { campaignRoutes } from './campaigns';
import { otpRoutes } from './otp';
import { recordingRoutes } from './recording';
import type { Route } from './types';

/** Every documented method + path; anything else is an enveloped 404. */
export const API_ROUTES: readonly Route[] = [
	...callRoutes,
	...recordingRoutes,
	...campaignRoutes,
	...otpRoutes,
	...accountRoutes,
];
